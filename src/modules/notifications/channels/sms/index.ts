import type { ChannelProvidersConfig } from '@modules/notifications/notifications.config';
import type { ChannelProvider } from '../channel-provider';
import { TwilioSmsProvider } from './twilio-sms.provider';

export { TwilioSmsProvider, MAX_SMS_LENGTH } from './twilio-sms.provider';
export { isTwilioSignature, twilioSignature } from './twilio-signature';

/**
 * The SMS providers the configuration names, in failover order: Twilio primary
 * (NOTIFICATIONS_SMS_PRIMARY_*), then secondary (NOTIFICATIONS_SMS_SECONDARY_*). None when
 * neither is configured.
 */
export function smsProviders(config: ChannelProvidersConfig): ChannelProvider[] {
  return config.sms.accounts.map(
    (account) => new TwilioSmsProvider(account, { statusCallbackUrl: config.sms.statusCallbackUrl, timeoutMs: config.providerTimeoutMs }),
  );
}
