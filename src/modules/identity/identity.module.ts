import { Module } from '@nestjs/common';
import { identityConfig, type IdentityConfig } from './identity.config';
import { AssignRolesHandler } from './application/assign-roles/assign-roles.handler';
import { AuthorizeHandler } from './application/authorize/authorize.handler';
import { ChangePasswordHandler } from './application/change-password/change-password.handler';
import { ChangeUserStatusHandler } from './application/change-user-status/change-user-status.handler';
import { CloseAccountHandler } from './application/close-account/close-account.handler';
import { CompleteMfaLoginHandler } from './application/complete-mfa-login/complete-mfa-login.handler';
import { ExportUserDataHandler } from './application/export-user-data/export-user-data.handler';
import { GetNotificationContentHandler } from './application/get-notification-content/get-notification-content.handler';
import { GetProfileHandler } from './application/get-profile/get-profile.handler';
import { GetUserStatusHandler } from './application/get-user-status/get-user-status.handler';
import { IssueTokenHandler } from './application/issue-token/issue-token.handler';
import { LoginHandler } from './application/login/login.handler';
import { DisableClientHandler } from './application/manage-clients/disable-client.handler';
import { ManageSessionsHandler } from './application/manage-sessions/manage-sessions.handler';
import { ManageTotpHandler } from './application/manage-totp/manage-totp.handler';
import { PasskeysHandler } from './application/passkeys/passkeys.handler';
import { RecentAuthentication } from './application/recent-authentication';
import { RegisterClientHandler } from './application/register-client/register-client.handler';
import { RegisterUserHandler } from './application/register-user/register-user.handler';
import { ResetPasswordHandler } from './application/reset-password/reset-password.handler';
import { StepUpHandler } from './application/step-up/step-up.handler';
import { UpdateProfileHandler } from './application/update-profile/update-profile.handler';
import { VerifyEmailHandler } from './application/verify-email/verify-email.handler';
import { AdminHttpController } from './api/admin.http-controller';
import { AuditHttpController } from './api/audit.http-controller';
import { AuthHttpController } from './api/auth.http-controller';
import { FormBodyParser } from './api/form-body';
import { IpRateLimitGuard } from './api/ip-rate-limit.guard';
import { MfaHttpController } from './api/mfa.http-controller';
import { OAuthHttpController } from './api/oauth.http-controller';
import { SessionsHttpController } from './api/sessions.http-controller';
import { TokenHttpController } from './api/token.http-controller';
import { UsersHttpController } from './api/users.http-controller';
import { WellKnownHttpController } from './api/well-known.http-controller';
import { AuditLog } from './infrastructure/audit-log';
import { Housekeeping } from './infrastructure/housekeeping';
import { IDENTITY_KEYS } from './infrastructure/identity.tokens';
import { loadIdentityKeys } from './infrastructure/identity-keys';
import { LoginThrottle } from './infrastructure/login-throttle';
import { MfaChallenges } from './infrastructure/mfa-challenges';
import { NotificationRequests } from './infrastructure/notification-requests';
import { OAuthClients } from './infrastructure/oauth-clients';
import { PasswordHasher } from './infrastructure/password-hasher';
import { PasswordReplacement } from './infrastructure/password-replacement';
import { PasswordRules } from './infrastructure/password-rules';
import { PersonalDataCipher } from './infrastructure/personal-data-cipher';
import { SecondFactors } from './infrastructure/second-factors';
import { SessionTokens } from './infrastructure/session-tokens';
import { UserRecords } from './infrastructure/user-records';
import { WebAuthnCeremonies } from './infrastructure/webauthn-ceremonies';

/**
 * Identity and access (issue 3, ADR 0005): users and their personal data, sign-in
 * (password, MFA, passkeys), sessions and tokens, OAuth 2.0 clients, roles, the security
 * audit log. Other contexts use only its contract: GetUserStatusQuery and `user.events`.
 */
@Module({
  controllers: [
    AuthHttpController,
    TokenHttpController,
    WellKnownHttpController,
    OAuthHttpController,
    UsersHttpController,
    SessionsHttpController,
    MfaHttpController,
    AdminHttpController,
    AuditHttpController,
  ],
  providers: [
    { provide: IDENTITY_KEYS, inject: [identityConfig.token], useFactory: (config: IdentityConfig) => loadIdentityKeys(config) },
    PersonalDataCipher,
    UserRecords,
    PasswordHasher,
    PasswordRules,
    PasswordReplacement,
    LoginThrottle,
    AuditLog,
    NotificationRequests,
    SecondFactors,
    MfaChallenges,
    SessionTokens,
    OAuthClients,
    WebAuthnCeremonies,
    FormBodyParser,
    Housekeeping,
    IpRateLimitGuard,
    RegisterUserHandler,
    VerifyEmailHandler,
    LoginHandler,
    CompleteMfaLoginHandler,
    IssueTokenHandler,
    AuthorizeHandler,
    RegisterClientHandler,
    DisableClientHandler,
    ManageSessionsHandler,
    GetProfileHandler,
    UpdateProfileHandler,
    ExportUserDataHandler,
    CloseAccountHandler,
    ChangePasswordHandler,
    ResetPasswordHandler,
    ManageTotpHandler,
    StepUpHandler,
    PasskeysHandler,
    RecentAuthentication,
    AssignRolesHandler,
    ChangeUserStatusHandler,
    GetUserStatusHandler,
    GetNotificationContentHandler,
  ],
})
export class IdentityModule {}
