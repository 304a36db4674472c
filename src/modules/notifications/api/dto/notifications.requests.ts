import { z } from 'zod';
import { Id, SequenceCursor, Timestamp } from '@shared-kernel';
import { NotificationCategory, NotificationChannel, NotificationSummaryView } from '@modules/notifications/contract';
import { isTimeZone } from '@modules/notifications/domain/preferences';

/* The notifications API's HTTP shapes: what the contract's views do not already say. */

export const NotificationIdParams = z.strictObject({ id: Id });

const limit = (max: number, def: number) => z.coerce.number().int().min(1).max(max).optional().describe(`Page size (default ${def})`);

export const InboxQuery = z.strictObject({
  cursor: SequenceCursor.optional().describe('nextCursor of the previous page'),
  limit: limit(100, 20),
  filter: z.enum(['active', 'unread', 'archived', 'all']).optional().describe('active (default): not archived; unread: not read nor archived'),
});

export const InboxItem = z
  .object({
    id: Id.describe('Also the id of its message (GET /v1/notifications/{id} has its timeline)'),
    category: NotificationCategory,
    title: z.string(),
    body: z.string(),
    createdAt: Timestamp,
    readAt: Timestamp.nullable(),
    archivedAt: Timestamp.nullable(),
  })
  .meta({ id: 'InboxItem' });

export const InboxPage = z
  .object({
    items: z.array(InboxItem).describe('Newest first'),
    nextCursor: z.string().nullable().describe('Pass as cursor for the next page; null at the end'),
    unreadCount: z.number().int().describe('Unread and not archived, across all pages'),
  })
  .meta({ id: 'InboxPage' });
export type InboxPage = z.infer<typeof InboxPage>;

export const UnreadCount = z.object({ unreadCount: z.number().int() }).meta({ id: 'InboxUnreadCount' });

/**
 * The IANA time zones this runtime knows (its ICU data), and UTC: an enum, so the document
 * states exactly what the server accepts.
 */
const TIME_ZONES = ['UTC', ...Intl.supportedValuesOf('timeZone').filter(isTimeZone)] as [string, ...string[]];
const TimeZone = z.enum(TIME_ZONES, { message: 'must be an IANA time zone such as Europe/Berlin' }).meta({ example: 'Europe/Berlin' });

const HourMinute = z
  .string()
  .regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'must be HH:MM (00:00 to 23:59)')
  .meta({ example: '22:00' });

const Muted = z
  .strictObject({
    security: z.array(NotificationChannel).max(4).optional(),
    legal: z.array(NotificationChannel).max(4).optional(),
    transactional: z.array(NotificationChannel).max(4).optional(),
    marketing: z.array(NotificationChannel).max(4).optional(),
  })
  .describe('Per category, the channels turned off (security and legal cannot be turned off: 422)');

export const PreferencesBody = z
  .strictObject({
    timeZone: TimeZone,
    quietHours: z
      .strictObject({ start: HourMinute, end: HourMinute })
      .nullable()
      .describe('Local time window (may wrap midnight) in which push and SMS wait; security messages never wait'),
    mutedChannels: Muted,
  })
  .meta({ id: 'NotificationPreferencesRequest' });
export type PreferencesBody = z.infer<typeof PreferencesBody>;

export const PreferencesView = z
  .object({
    timeZone: z.string(),
    quietHours: z.object({ start: z.string(), end: z.string() }).nullable(),
    mutedChannels: z.object({
      security: z.array(NotificationChannel),
      legal: z.array(NotificationChannel),
      transactional: z.array(NotificationChannel),
      marketing: z.array(NotificationChannel),
    }),
    categories: z.array(z.object({ category: NotificationCategory, canOptOut: z.boolean() })),
  })
  .meta({ id: 'NotificationPreferences' });
export type PreferencesView = z.infer<typeof PreferencesView>;

/** `GET /v1/admin/notifications?userId=`: one user's messages (the user is required: no listing of everyone's). */
export const AdminNotificationsQuery = z.strictObject({
  userId: Id.describe('The user whose messages to list'),
  cursor: SequenceCursor.optional().describe('nextCursor of the previous page'),
  limit: limit(200, 50),
});

export const NotificationPage = z
  .object({
    items: z.array(NotificationSummaryView).describe('Newest first, every channel'),
    nextCursor: z.string().nullable().describe('Pass as cursor for the next page; null at the end'),
  })
  .meta({ id: 'NotificationPage' });
export type NotificationPage = z.infer<typeof NotificationPage>;
