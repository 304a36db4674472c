import type { Provider } from '@nestjs/common';
import { notificationsConfig, type NotificationsConfig } from '../notifications.config';
import { CHANNEL_PROVIDERS, type ChannelProvider } from './channel-provider';
import { emailProviders } from './email';

/**
 * Every ChannelProvider of this process, in failover order per channel: email (this folder),
 * then SMS and push (channels/sms, channels/push). The dispatcher picks a channel's providers
 * in this order.
 */
export function channelProviders(config: NotificationsConfig): ChannelProvider[] {
  return [
    ...emailProviders(config),
    // INTEGRATOR: wire the SMS and push providers here at merge, i.e.
    //   ...smsProviders(config), ...pushProviders(config),
    // from './sms' and './push' (channels/sms/index.ts, channels/push/index.ts).
  ];
}

export const CHANNEL_PROVIDERS_PROVIDER: Provider = {
  provide: CHANNEL_PROVIDERS,
  inject: [notificationsConfig.token],
  useFactory: (config: NotificationsConfig) => channelProviders(config),
};
