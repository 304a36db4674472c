import type { NotificationsConfig } from '@modules/notifications/notifications.config';
import type { ChannelProvider } from '../channel-provider';
import { DevMailbox } from './dev-mailbox';
import { SmtpEmailProvider } from './smtp.provider';

/**
 * The email providers in failover order: the primary SMTP server, then the secondary; with
 * neither configured (development and tests), the development mailbox.
 */
export function emailProviders(config: NotificationsConfig): ChannelProvider[] {
  const { primaryUrl, secondaryUrl, from, timeoutMs } = config.smtp;
  if (!primaryUrl) return config.env === 'production' ? [] : [new DevMailbox(config.mailboxDir)];
  return [
    new SmtpEmailProvider('smtp-primary', primaryUrl, from, timeoutMs),
    ...(secondaryUrl ? [new SmtpEmailProvider('smtp-secondary', secondaryUrl, from, timeoutMs)] : []),
  ];
}
