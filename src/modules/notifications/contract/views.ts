import { z } from 'zod';
import { Id, Timestamp } from '@shared-kernel';

/* What the notifications context answers with, on the bus and over HTTP. */

export const NotificationCategory = z
  .enum(['security', 'legal', 'transactional', 'marketing'])
  .describe('security and legal cannot be turned off; transactional and marketing can, per channel');
export const NotificationChannel = z.enum(['email', 'sms', 'push', 'in_app']);
export const NotificationStatus = z
  .enum(['queued', 'sent', 'delivered', 'bounced', 'failed', 'suppressed'])
  .describe('queued → sent → delivered / bounced / failed; suppressed: not sent (preferences, nothing left to send)');

export const NotificationTimelineEntry = z
  .object({
    status: NotificationStatus,
    reason: z.string().nullable().describe('A code (QUIET_HOURS, RETRY_SCHEDULED, TEMPLATE_RENDER_FAILED, ...), never content'),
    provider: z.string().nullable(),
    at: Timestamp,
  })
  .meta({ id: 'NotificationTimelineEntry' });

export const NotificationAttempt = z
  .object({
    attempt: z.number().int(),
    provider: z.string(),
    outcome: z.enum(['accepted', 'transient', 'permanent']),
    reason: z.string().nullable(),
    latencyMs: z.number().int(),
    at: Timestamp,
  })
  .meta({ id: 'NotificationAttempt' });

export const NotificationSummaryView = z
  .object({
    id: Id,
    userId: Id,
    template: z.string(),
    templateVersion: z.number().int().nullable().describe('The template version it was rendered with (null until rendered)'),
    category: NotificationCategory,
    channel: NotificationChannel,
    locale: z.string().nullable(),
    status: NotificationStatus,
    failureCode: z.string().nullable(),
    fallbackOf: Id.nullable().describe('The push message this one stands in for (channel fallback)'),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: 'NotificationSummary' });
export type NotificationSummaryView = z.infer<typeof NotificationSummaryView>;

export const NotificationView = NotificationSummaryView.extend({
  timeline: z.array(NotificationTimelineEntry).describe('Oldest first'),
  attempts: z.array(NotificationAttempt).describe('Every attempt at a provider, oldest first'),
}).meta({ id: 'Notification' });
export type NotificationView = z.infer<typeof NotificationView>;

export const NotificationRequestView = z
  .object({
    requestId: Id,
    messages: z.array(NotificationSummaryView).describe('One per channel the template goes out on'),
  })
  .meta({ id: 'NotificationRequest' });
export type NotificationRequestView = z.infer<typeof NotificationRequestView>;
