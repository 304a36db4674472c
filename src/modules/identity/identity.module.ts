import { Module, type OnApplicationBootstrap } from '@nestjs/common';
import { Scheduler } from '@platform/jobs/scheduler';
import { identityConfig, type IdentityConfig } from './identity.config';
import { AssignRoles } from './application/assign-roles/assign-roles';
import { AuthorizeClient } from './application/authorize-client/authorize-client';
import { ChangePassword } from './application/change-password/change-password';
import { ChangeUserStatus } from './application/change-user-status/change-user-status';
import { CloseAccount } from './application/close-account/close-account';
import { CompleteMfaLogin } from './application/complete-mfa-login/complete-mfa-login';
import { CreateStaffUser } from './application/create-staff-user/create-staff-user';
import { DisableClient } from './application/disable-client/disable-client';
import { ExportUserData } from './application/export-user-data/export-user-data';
import { GetClientAccessQueryHandler } from './application/get-client-access/get-client-access.query-handler';
import {
  GetNotificationContentQueryHandler,
  GetNotificationRecipientQueryHandler,
} from './application/get-notification-content/get-notification-content.query-handler';
import { GetProfile } from './application/get-profile/get-profile';
import { GetUserStatusQueryHandler } from './application/get-user-status/get-user-status.query-handler';
import { IssueToken } from './application/issue-token/issue-token';
import { Login } from './application/login/login';
import { ManageSessions } from './application/manage-sessions/manage-sessions';
import { ManageTotp } from './application/manage-totp/manage-totp';
import { Passkeys } from './application/passkeys/passkeys';
import { RecentAuthentication } from './application/recent-authentication';
import { RegisterClient } from './application/register-client/register-client';
import { RegisterUser } from './application/register-user/register-user';
import { ReindexEmails } from './application/reindex-emails/reindex-emails';
import { ResetPassword } from './application/reset-password/reset-password';
import { StepUp } from './application/step-up/step-up';
import { UpdateProfile } from './application/update-profile/update-profile';
import { VerifyEmail } from './application/verify-email/verify-email';
import { AdminHttpController } from './api/admin.http-controller';
import { AuditHttpController } from './api/audit.http-controller';
import { AuthHttpController } from './api/auth.http-controller';
import { IpRateLimitGuard } from './api/ip-rate-limit.guard';
import { MfaHttpController } from './api/mfa.http-controller';
import { OAuthHttpController } from './api/oauth.http-controller';
import { PagesHttpController } from './api/pages.http-controller';
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

const REINDEX_EMAILS = 'identity.reindex-emails';

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
    PagesHttpController,
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
    Housekeeping,
    IpRateLimitGuard,
    RegisterUser,
    VerifyEmail,
    Login,
    CompleteMfaLogin,
    IssueToken,
    AuthorizeClient,
    RegisterClient,
    DisableClient,
    ManageSessions,
    GetProfile,
    UpdateProfile,
    ExportUserData,
    CloseAccount,
    ChangePassword,
    ResetPassword,
    ManageTotp,
    StepUp,
    Passkeys,
    RecentAuthentication,
    AssignRoles,
    CreateStaffUser,
    ChangeUserStatus,
    GetUserStatusQueryHandler,
    GetNotificationContentQueryHandler,
    GetNotificationRecipientQueryHandler,
    GetClientAccessQueryHandler,
    ReindexEmails,
  ],
})
export class IdentityModule implements OnApplicationBootstrap {
  constructor(
    private readonly scheduler: Scheduler,
    private readonly reindexEmails: ReindexEmails,
  ) {}

  onApplicationBootstrap(): void {
    this.scheduler.every(REINDEX_EMAILS, 10 * 60_000, () => this.reindexEmails.run());
    // At once too, in the background: rows indexed by an earlier release are found by their
    // legacy index meanwhile (UserRecords.byEmail), so start-up need not wait for it.
    void this.scheduler.runNow(REINDEX_EMAILS);
  }
}
