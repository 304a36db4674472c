import { createPrivateKey } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { ConfigError, defineConfig, int, url, type ConfigOf, type ConfigReadContext } from '@platform/config/config-slice';
import { readWebhooksConfig, WEBHOOKS_CONFIG_VARIABLES } from './webhooks/webhooks.config';

/**
 * The notifications context's settings (NOTIFICATIONS_* variables), validated at boot by every
 * process that runs the context; a provider reads them with `@Inject(notificationsConfig.token)`.
 * The SMS and push providers read their own variables (channels/sms, channels/push).
 */
export const notificationsConfig = defineConfig(
  'notifications',
  {
    NOTIFICATIONS_PAGE_SIZE: int(1, 1000).default(50),
    NOTIFICATIONS_SMTP_URL: url(['smtp:', 'smtps:']).optional(),
    NOTIFICATIONS_SMTP_SECONDARY_URL: url(['smtp:', 'smtps:']).optional(),
    NOTIFICATIONS_EMAIL_FROM: z.string().min(3).max(200).default('Skyro <no-reply@skyro.local>'),
    NOTIFICATIONS_SMTP_TIMEOUT_MS: int(100, 120_000).default(10_000),
    NOTIFICATIONS_LINK_BASE_URL: url(['http:', 'https:']).optional(),
    NOTIFICATIONS_MAILBOX_DIR: z.string().min(1).optional(),
    NOTIFICATIONS_DISPATCH_INTERVAL_MS: int(10, 600_000).default(1_000),
    NOTIFICATIONS_DISPATCH_BATCH: int(1, 1000).default(50),
    NOTIFICATIONS_MAX_ATTEMPTS: int(1, 50).default(8),
    NOTIFICATIONS_RETRY_BASE_MS: int(1, 3_600_000).default(5_000),
    NOTIFICATIONS_RETRY_MAX_MS: int(1, 86_400_000).default(3_600_000),
    NOTIFICATIONS_PUSH_FALLBACK_MS: int(1_000, 86_400_000).default(300_000),
    NOTIFICATIONS_CIRCUIT_FAILURES: int(1, 1000).default(5),
    NOTIFICATIONS_CIRCUIT_OPEN_MS: int(100, 3_600_000).default(30_000),
    NOTIFICATIONS_SMS_MAX_LENGTH: int(70, 1600).default(480),
    ...channelProviderVariables(),
    ...WEBHOOKS_CONFIG_VARIABLES,
  },
  (e, context) => {
    const { env, dataDir } = context;
    if (e.NOTIFICATIONS_SMTP_SECONDARY_URL && !e.NOTIFICATIONS_SMTP_URL)
      throw new ConfigError('Invalid configuration: NOTIFICATIONS_SMTP_SECONDARY_URL needs NOTIFICATIONS_SMTP_URL (the primary)');
    if (env === 'production' && !e.NOTIFICATIONS_SMTP_URL)
      throw new ConfigError('Invalid configuration: NOTIFICATIONS_SMTP_URL is required in production (the development mailbox is not for production)');
    if (e.NOTIFICATIONS_RETRY_MAX_MS < e.NOTIFICATIONS_RETRY_BASE_MS)
      throw new ConfigError('Invalid configuration: NOTIFICATIONS_RETRY_MAX_MS must be at least NOTIFICATIONS_RETRY_BASE_MS');
    return {
      env,
      /** Items per page when the context lists its messages. */
      pageSize: e.NOTIFICATIONS_PAGE_SIZE,
      smtp: {
        /** Absent (and not production): email goes to the development mailbox. */
        primaryUrl: e.NOTIFICATIONS_SMTP_URL,
        secondaryUrl: e.NOTIFICATIONS_SMTP_SECONDARY_URL,
        from: e.NOTIFICATIONS_EMAIL_FROM,
        timeoutMs: e.NOTIFICATIONS_SMTP_TIMEOUT_MS,
      },
      /** Where links in messages point; absent: http://127.0.0.1:<the port this process listens on>. */
      linkBaseUrl: e.NOTIFICATIONS_LINK_BASE_URL?.replace(/\/+$/, ''),
      /** The development mailbox (no SMTP configured, not production). */
      // Tests keep theirs per process, out of the checkout's .data/.
      mailboxDir: e.NOTIFICATIONS_MAILBOX_DIR ?? (env === 'test' ? join(tmpdir(), `skyro-mailbox-${process.pid}`) : join(dataDir, 'mailbox')),
      dispatch: {
        intervalMs: e.NOTIFICATIONS_DISPATCH_INTERVAL_MS,
        batch: e.NOTIFICATIONS_DISPATCH_BATCH,
        maxAttempts: e.NOTIFICATIONS_MAX_ATTEMPTS,
        retryBaseMs: e.NOTIFICATIONS_RETRY_BASE_MS,
        retryMaxMs: e.NOTIFICATIONS_RETRY_MAX_MS,
        pushFallbackMs: e.NOTIFICATIONS_PUSH_FALLBACK_MS,
      },
      circuit: { failures: e.NOTIFICATIONS_CIRCUIT_FAILURES, openMs: e.NOTIFICATIONS_CIRCUIT_OPEN_MS },
      smsMaxLength: e.NOTIFICATIONS_SMS_MAX_LENGTH,
      ...readChannelProviders(e, context),
      webhooks: readWebhooksConfig(e, context),
    };
  },
);
export type NotificationsConfig = ConfigOf<typeof notificationsConfig>;

/* ------------------------------------------------------------------------------------------
 * SMS (Twilio) and push (FCM, APNs) providers, and device tokens (channels/sms, channels/push).
 * Function declarations, so the slice above can spread them although they are written below.
 * ---------------------------------------------------------------------------------------- */

/** One Twilio account the SMS channel sends through (primary, then secondary: failover). */
export interface TwilioAccountConfig {
  /** The ChannelProvider's name, recorded with each attempt and each status callback. */
  readonly name: 'twilio-primary' | 'twilio-secondary';
  readonly accountSid: string;
  /** HTTP Basic credentials: the account SID and auth token, or an API key SID and secret. */
  readonly username: string;
  readonly password: string;
  /** Twilio signs status callbacks with the account's auth token (not an API key secret); absent: callbacks of this account are refused. */
  readonly authToken?: string;
  readonly from?: string;
  readonly messagingServiceSid?: string;
  /** https://api.twilio.com; a local fake in tests. */
  readonly baseUrl: string;
}

export interface FcmConfig {
  readonly projectId: string;
  readonly clientEmail: string;
  readonly privateKeyPem: string;
  readonly privateKeyId?: string;
  readonly tokenUri: string;
  readonly baseUrl: string;
}

export interface ApnsConfig {
  readonly keyId: string;
  readonly teamId: string;
  readonly privateKeyPem: string;
  /** The app's bundle id (apns-topic). */
  readonly topic: string;
  readonly baseUrl: string;
  /** A CA to trust besides the system's (a test server's self-signed certificate, a TLS-inspecting proxy). */
  readonly caPem?: string;
  /** Provider tokens are reused this long: Apple refuses a refresh more often than every 20 minutes and a token older than 60. */
  readonly tokenRefreshSeconds: number;
  /** apns-expiration: how long APNs keeps trying to reach an offline device. */
  readonly expirationSeconds: number;
}

export interface ChannelProvidersConfig {
  readonly sms: {
    readonly accounts: readonly TwilioAccountConfig[];
    /** The public URL of POST /v1/notifications/callbacks/twilio as Twilio calls it (through Kong): sent as StatusCallback and signed over. */
    readonly statusCallbackUrl?: string;
  };
  readonly push: { readonly fcm?: FcmConfig; readonly apns?: ApnsConfig; readonly devicesPerUser: number };
  /** Per request to a provider (connect + answer). */
  readonly providerTimeoutMs: number;
}

/** A PEM in one environment variable: real newlines, or `\n` escapes as a .env file or a JSON secret holds them. */
function pem() {
  return z
    .string()
    .transform((v) => v.replace(/\\n/g, '\n').trim() + '\n')
    .refine((v) => /^-----BEGIN [A-Z ]+-----[\s\S]+-----END [A-Z ]+-----\s*$/.test(v), 'must be a PEM block (-----BEGIN ...-----)');
}

function sid(prefix: string) {
  return z.string().regex(new RegExp(`^${prefix}[0-9a-fA-F]{32}$`), `must be a Twilio SID (${prefix} and 32 hex digits)`);
}

function secret() {
  return z.string().min(8, 'must be at least 8 characters long');
}

function serviceAccount() {
  return z.string().transform((value, ctx) => {
    try {
      return z
        .object({ client_email: z.string().min(3), private_key: z.string().min(1), private_key_id: z.string().optional(), token_uri: z.url() })
        .parse(JSON.parse(value));
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be the JSON of a Google service account key (client_email, private_key, token_uri)' });
      return z.NEVER;
    }
  });
}

function twilioVariables<S extends 'PRIMARY' | 'SECONDARY'>(slot: S) {
  return {
    [`NOTIFICATIONS_SMS_${slot}_ACCOUNT_SID`]: sid('AC').optional(),
    [`NOTIFICATIONS_SMS_${slot}_AUTH_TOKEN`]: secret().optional(),
    [`NOTIFICATIONS_SMS_${slot}_API_KEY_SID`]: sid('SK').optional(),
    [`NOTIFICATIONS_SMS_${slot}_API_KEY_SECRET`]: secret().optional(),
    [`NOTIFICATIONS_SMS_${slot}_FROM`]: z
      .string()
      .regex(/^(\+[1-9]\d{6,14}|[A-Za-z0-9 ]{1,11})$/, 'must be an E.164 number or an alphanumeric sender id')
      .optional(),
    [`NOTIFICATIONS_SMS_${slot}_MESSAGING_SERVICE_SID`]: sid('MG').optional(),
    [`NOTIFICATIONS_SMS_${slot}_BASE_URL`]: url(['https:', 'http:']).default('https://api.twilio.com'),
  } as Record<
    `NOTIFICATIONS_SMS_${S}_${'ACCOUNT_SID' | 'AUTH_TOKEN' | 'API_KEY_SID' | 'API_KEY_SECRET' | 'FROM' | 'MESSAGING_SERVICE_SID'}`,
    z.ZodOptional<z.ZodString>
  > &
    Record<`NOTIFICATIONS_SMS_${S}_BASE_URL`, z.ZodDefault<z.ZodString>>;
}

function channelProviderVariables() {
  return {
    ...twilioVariables('PRIMARY'),
    ...twilioVariables('SECONDARY'),
    NOTIFICATIONS_SMS_STATUS_CALLBACK_URL: url(['https:', 'http:']).optional(),
    NOTIFICATIONS_FCM_PROJECT_ID: z
      .string()
      .regex(/^[a-z][a-z0-9-]{4,61}[a-z0-9]$/, 'must be a Firebase project id')
      .optional(),
    NOTIFICATIONS_FCM_SERVICE_ACCOUNT: serviceAccount().optional(),
    NOTIFICATIONS_FCM_BASE_URL: url(['https:', 'http:']).default('https://fcm.googleapis.com'),
    NOTIFICATIONS_APNS_KEY_ID: z
      .string()
      .regex(/^[A-Z0-9]{10}$/, 'must be a 10-character key id')
      .optional(),
    NOTIFICATIONS_APNS_TEAM_ID: z
      .string()
      .regex(/^[A-Z0-9]{10}$/, 'must be a 10-character team id')
      .optional(),
    NOTIFICATIONS_APNS_PRIVATE_KEY: pem().optional(),
    NOTIFICATIONS_APNS_TOPIC: z
      .string()
      .regex(/^[A-Za-z0-9.-]{1,200}$/, 'must be the app bundle id')
      .optional(),
    NOTIFICATIONS_APNS_BASE_URL: url(['https:']).default('https://api.push.apple.com'),
    NOTIFICATIONS_APNS_CA_CERT: pem().optional(),
    NOTIFICATIONS_APNS_TOKEN_REFRESH_SECONDS: int(1200, 3540).default(3000),
    NOTIFICATIONS_APNS_EXPIRATION_SECONDS: int(0, 2_592_000).default(86_400),
    NOTIFICATIONS_DEVICES_PER_USER: int(1, 100).default(20),
    NOTIFICATIONS_PROVIDER_TIMEOUT_MS: int(100, 60_000).default(10_000),
  };
}

type ChannelProviderVariables = z.output<z.ZodObject<ReturnType<typeof channelProviderVariables>>>;

function readChannelProviders(e: ChannelProviderVariables, { env }: ConfigReadContext): ChannelProvidersConfig {
  const https = (name: keyof ChannelProviderVariables, value: string | undefined) => {
    if (env === 'production' && value !== undefined && new URL(value).protocol !== 'https:') {
      throw new ConfigError(`Invalid configuration: ${name} must be an https URL in production`);
    }
    return value;
  };
  const accounts: TwilioAccountConfig[] = [];
  for (const slot of ['PRIMARY', 'SECONDARY'] as const) {
    const v = (key: string) => (e as unknown as Record<string, string | undefined>)[`NOTIFICATIONS_SMS_${slot}_${key}`];
    const accountSid = v('ACCOUNT_SID');
    const name = `NOTIFICATIONS_SMS_${slot}`;
    if (!accountSid) {
      if (v('AUTH_TOKEN') || v('API_KEY_SID') || v('FROM') || v('MESSAGING_SERVICE_SID'))
        throw new ConfigError(`Invalid configuration: ${name}_ACCOUNT_SID is required with the other ${name}_* variables`);
      continue;
    }
    const keySid = v('API_KEY_SID');
    const keySecret = v('API_KEY_SECRET');
    const authToken = v('AUTH_TOKEN');
    if (!!keySid !== !!keySecret) throw new ConfigError(`Invalid configuration: ${name}_API_KEY_SID and ${name}_API_KEY_SECRET go together`);
    if (!authToken && !keySid) throw new ConfigError(`Invalid configuration: ${name}_AUTH_TOKEN (or an API key) is required with ${name}_ACCOUNT_SID`);
    if (!v('FROM') && !v('MESSAGING_SERVICE_SID'))
      throw new ConfigError(`Invalid configuration: ${name}_FROM or ${name}_MESSAGING_SERVICE_SID is required with ${name}_ACCOUNT_SID`);
    accounts.push({
      name: slot === 'PRIMARY' ? 'twilio-primary' : 'twilio-secondary',
      accountSid,
      username: keySid ?? accountSid,
      password: keySecret ?? authToken!,
      authToken,
      from: v('FROM'),
      messagingServiceSid: v('MESSAGING_SERVICE_SID'),
      baseUrl: https(`${name}_BASE_URL` as keyof ChannelProviderVariables, v('BASE_URL'))!.replace(/\/+$/, ''),
    });
  }

  let fcm: FcmConfig | undefined;
  if (e.NOTIFICATIONS_FCM_PROJECT_ID || e.NOTIFICATIONS_FCM_SERVICE_ACCOUNT) {
    const account = e.NOTIFICATIONS_FCM_SERVICE_ACCOUNT;
    if (!e.NOTIFICATIONS_FCM_PROJECT_ID || !account)
      throw new ConfigError('Invalid configuration: NOTIFICATIONS_FCM_PROJECT_ID and NOTIFICATIONS_FCM_SERVICE_ACCOUNT go together');
    if (!isKeyOfType(account.private_key, 'rsa'))
      throw new ConfigError('Invalid configuration: NOTIFICATIONS_FCM_SERVICE_ACCOUNT must hold an RSA private_key');
    https('NOTIFICATIONS_FCM_SERVICE_ACCOUNT', account.token_uri);
    fcm = {
      projectId: e.NOTIFICATIONS_FCM_PROJECT_ID,
      clientEmail: account.client_email,
      privateKeyPem: account.private_key,
      privateKeyId: account.private_key_id,
      tokenUri: account.token_uri,
      baseUrl: https('NOTIFICATIONS_FCM_BASE_URL', e.NOTIFICATIONS_FCM_BASE_URL)!.replace(/\/+$/, ''),
    };
  }

  let apns: ApnsConfig | undefined;
  const apnsParts = [e.NOTIFICATIONS_APNS_KEY_ID, e.NOTIFICATIONS_APNS_TEAM_ID, e.NOTIFICATIONS_APNS_PRIVATE_KEY, e.NOTIFICATIONS_APNS_TOPIC];
  if (apnsParts.some(Boolean)) {
    if (!apnsParts.every(Boolean))
      throw new ConfigError(
        'Invalid configuration: NOTIFICATIONS_APNS_KEY_ID, NOTIFICATIONS_APNS_TEAM_ID, NOTIFICATIONS_APNS_PRIVATE_KEY and NOTIFICATIONS_APNS_TOPIC go together',
      );
    if (!isKeyOfType(e.NOTIFICATIONS_APNS_PRIVATE_KEY!, 'ec'))
      throw new ConfigError('Invalid configuration: NOTIFICATIONS_APNS_PRIVATE_KEY must be a P-256 (.p8) private key');
    apns = {
      keyId: e.NOTIFICATIONS_APNS_KEY_ID!,
      teamId: e.NOTIFICATIONS_APNS_TEAM_ID!,
      privateKeyPem: e.NOTIFICATIONS_APNS_PRIVATE_KEY!,
      topic: e.NOTIFICATIONS_APNS_TOPIC!,
      baseUrl: e.NOTIFICATIONS_APNS_BASE_URL.replace(/\/+$/, ''),
      caPem: e.NOTIFICATIONS_APNS_CA_CERT,
      tokenRefreshSeconds: e.NOTIFICATIONS_APNS_TOKEN_REFRESH_SECONDS,
      expirationSeconds: e.NOTIFICATIONS_APNS_EXPIRATION_SECONDS,
    };
  }

  return {
    sms: { accounts, statusCallbackUrl: https('NOTIFICATIONS_SMS_STATUS_CALLBACK_URL', e.NOTIFICATIONS_SMS_STATUS_CALLBACK_URL) },
    push: { fcm, apns, devicesPerUser: e.NOTIFICATIONS_DEVICES_PER_USER },
    providerTimeoutMs: e.NOTIFICATIONS_PROVIDER_TIMEOUT_MS,
  };
}

function isKeyOfType(pemText: string, type: 'rsa' | 'ec'): boolean {
  try {
    const key = createPrivateKey(pemText);
    return key.asymmetricKeyType === type && (type !== 'ec' || key.asymmetricKeyDetails?.namedCurve === 'prime256v1');
  } catch {
    return false;
  }
}
