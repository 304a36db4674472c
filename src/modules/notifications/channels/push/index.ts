import type { ChannelProvidersConfig } from '@modules/notifications/notifications.config';
import type { ChannelProvider } from '../channel-provider';
import { ApnsPushProvider } from './apns-push.provider';
import type { DeadTokenSink } from './device-token.repository';
import { FcmPushProvider } from './fcm-push.provider';

export { ApnsPushProvider, MAX_APNS_PAYLOAD_BYTES } from './apns-push.provider';
export { FcmPushProvider } from './fcm-push.provider';
export { DeviceTokenRepository, type DeadTokenSink, type DeviceView, type LiveDeviceToken, type PushPlatform } from './device-token.repository';

/**
 * The push providers the configuration names: FCM (NOTIFICATIONS_FCM_*) and APNs
 * (NOTIFICATIONS_APNS_*). Not failover of one another: each serves the tokens of its
 * platform (OutboundMessage.platform). A token either calls dead is reported to
 * `deadTokens` (the DeviceTokenRepository), and the dispatcher no longer gets it from
 * DeviceTokenRepository.liveTokensOf(userId).
 */
export function pushProviders(config: ChannelProvidersConfig, deadTokens: DeadTokenSink): ChannelProvider[] {
  const providers: ChannelProvider[] = [];
  if (config.push.fcm) providers.push(new FcmPushProvider(config.push.fcm, deadTokens, config.providerTimeoutMs));
  if (config.push.apns) providers.push(new ApnsPushProvider(config.push.apns, deadTokens, config.providerTimeoutMs));
  return providers;
}
