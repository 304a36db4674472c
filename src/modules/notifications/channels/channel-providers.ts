import type { Provider } from '@nestjs/common';
import { notificationsConfig, type NotificationsConfig } from '../notifications.config';
import { CHANNEL_PROVIDERS, type ChannelProvider } from './channel-provider';
import { emailProviders } from './email';
import { DeviceTokenRepository, pushProviders } from './push';
import { smsProviders } from './sms';

/**
 * Every ChannelProvider of this process, in failover order per channel: email (this folder),
 * then SMS and push (channels/sms, channels/push). The dispatcher picks a channel's providers
 * in this order.
 */
export function channelProviders(config: NotificationsConfig, devices: DeviceTokenRepository): ChannelProvider[] {
  return [...emailProviders(config), ...smsProviders(config), ...pushProviders(config, devices)];
}

export const CHANNEL_PROVIDERS_PROVIDER: Provider = {
  provide: CHANNEL_PROVIDERS,
  inject: [notificationsConfig.token, DeviceTokenRepository],
  useFactory: (config: NotificationsConfig, devices: DeviceTokenRepository) => channelProviders(config, devices),
};
