import { z } from 'zod';
import { Id, SequenceCursor, singleLineText, Timestamp } from '@shared-kernel';
import { PUBLIC_EVENT_TYPES } from '@modules/notifications/webhooks/domain/webhook-event-types';

/* The outbound webhooks' HTTP shapes. */

export const EndpointIdParams = z.strictObject({ id: Id });

const WebhookEventTypeName = z.enum(PUBLIC_EVENT_TYPES).meta({ id: 'WebhookEventType', example: 'account.balance_changed' });

const WebhookUrl = singleLineText(1, 2000)
  .describe(
    'Where messages are POSTed: https, a public host (loopback, private, link-local and metadata addresses are refused, also when the name resolves to one)',
  )
  .meta({ example: 'https://hooks.partner.example/skyro' });

const EventTypes = z.array(WebhookEventTypeName).min(1).max(PUBLIC_EVENT_TYPES.length).describe('The event types sent to this endpoint');

export const CreateWebhookEndpointRequest = z
  .strictObject({
    url: WebhookUrl,
    description: singleLineText(0, 200).optional(),
    eventTypes: EventTypes,
  })
  .meta({ id: 'CreateWebhookEndpointRequest' });
export type CreateWebhookEndpointRequest = z.infer<typeof CreateWebhookEndpointRequest>;

export const UpdateWebhookEndpointRequest = z
  .strictObject({
    url: WebhookUrl.optional(),
    description: singleLineText(0, 200).optional(),
    eventTypes: EventTypes.optional(),
    enabled: z.boolean().optional().describe('false pauses deliveries (messages wait); true resumes them and clears a failure streak'),
  })
  .meta({ id: 'UpdateWebhookEndpointRequest' });
export type UpdateWebhookEndpointRequest = z.infer<typeof UpdateWebhookEndpointRequest>;

export const RotateWebhookSecretRequest = z
  .strictObject({
    windowSeconds: z
      .number()
      .int()
      .min(0)
      .max(604_800)
      .optional()
      .describe('How long the old secret keeps signing alongside the new one (default NOTIFICATIONS_WEBHOOKS_ROTATION_WINDOW_SECONDS; 0: retire it now)'),
  })
  .meta({ id: 'RotateWebhookSecretRequest' });

export const ReplayWebhookRequest = z
  .strictObject({
    messageId: Id.optional().describe('One message (its webhook-id); or, instead, since and until'),
    since: Timestamp.optional().describe('Messages created at or after this instant'),
    until: Timestamp.optional().describe('... and before this one (at most 31 days later)'),
    onlyFailed: z.boolean().optional().describe('With a range: only messages whose retries ran out (default: every delivered or failed message)'),
  })
  .meta({ id: 'ReplayWebhookRequest', description: 'Either messageId, or since and until (422 WEBHOOK_REPLAY_REQUEST_INVALID otherwise)' });
export type ReplayWebhookRequest = z.infer<typeof ReplayWebhookRequest>;

export const ListWebhookEndpointsQuery = z.strictObject({
  clientId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,100}$/, 'must be an OAuth client id')
    .optional()
    .describe('Staff: the client whose endpoints to list (a client sees only its own)'),
});

export const WebhookAttemptsQuery = z.strictObject({
  cursor: SequenceCursor.optional().describe('nextCursor of the previous page'),
  limit: z.coerce.number().int().min(1).max(200).optional().describe('Page size (default 50)'),
});

export const WebhookEndpointView = z
  .object({
    id: Id,
    clientId: z.string(),
    url: z.string(),
    description: z.string(),
    eventTypes: z.array(z.string()),
    enabled: z.boolean(),
    disabledAt: Timestamp.nullable(),
    disabledReason: z.string().nullable().describe('Why deliveries stopped (its owner, or 5 days of failures)'),
    failingSince: Timestamp.nullable().describe('Start of the current run of failed attempts'),
    previousSecretExpiresAt: Timestamp.nullable().describe('While set, messages carry a signature by the previous secret too'),
    lastSequence: z
      .string()
      .regex(/^[0-9]+$/)
      .describe('Sequence number of the newest message'),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: 'WebhookEndpoint' });
export type WebhookEndpointView = z.infer<typeof WebhookEndpointView>;

export const WebhookEndpointWithSecret = z
  .object({
    endpoint: WebhookEndpointView,
    secret: z
      .string()
      .regex(/^whsec_[A-Za-z0-9+/=]+$/)
      .describe('The signing secret (Standard Webhooks `whsec_…`), shown only in this answer'),
  })
  .meta({ id: 'WebhookEndpointWithSecret' });

export const WebhookEndpointList = z.object({ items: z.array(WebhookEndpointView).describe('Oldest first') }).meta({ id: 'WebhookEndpointList' });

export const WebhookAttemptView = z
  .object({
    id: z.string().regex(/^[1-9][0-9]*$/),
    messageId: Id.describe('The message (its webhook-id header)'),
    eventType: z.string(),
    sequence: z
      .string()
      .regex(/^[1-9][0-9]*$/)
      .describe("The message's sequence number at its endpoint"),
    attemptedAt: Timestamp,
    trigger: z.enum(['scheduled', 'replay']),
    status: z.enum(['succeeded', 'failed']),
    responseStatus: z.number().int().nullable().describe('The HTTP status the receiver answered (null: no answer)'),
    responseTimeMs: z.number().int(),
    error: z.string().nullable(),
  })
  .meta({ id: 'WebhookAttempt' });

export const WebhookAttemptPage = z
  .object({
    items: z.array(WebhookAttemptView).describe('Newest first'),
    nextCursor: z.string().nullable().describe('Pass as cursor for the next page; null at the end'),
  })
  .meta({ id: 'WebhookAttemptPage' });
export type WebhookAttemptPage = z.infer<typeof WebhookAttemptPage>;

export const WebhookReplayResult = z.object({ replayed: z.number().int().describe('Messages put back on the schedule') }).meta({ id: 'WebhookReplayResult' });

export const WebhookEventTypeList = z
  .object({ items: z.array(z.object({ type: z.string(), family: z.string(), scope: z.string(), description: z.string() })) })
  .meta({ id: 'WebhookEventTypeList' });
