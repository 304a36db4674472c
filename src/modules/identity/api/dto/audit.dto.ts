import { z } from 'zod';
import { SequenceCursor, singleLineText, Timestamp } from '@shared-kernel';

export const AuditQuery = z.strictObject({
  type: z
    .string()
    .regex(/^[a-z_]+\.[a-z_]+$/, 'must look like area.event')
    .optional()
    .meta({ example: 'login.failed' }),
  actorId: singleLineText(1, 100).optional().describe('Who acted (user or client id)'),
  subjectId: singleLineText(1, 100).optional().describe('Whom it was about'),
  from: Timestamp.optional().describe('From (inclusive)'),
  to: Timestamp.optional().describe('To (exclusive)'),
  cursor: SequenceCursor.optional().describe('nextCursor of the previous page'),
  limit: z.coerce.number().int().min(1).max(500).optional().describe('Page size (default 50)'),
});

export const AuditEntryView = z
  .object({
    seq: z.string().meta({ example: '42' }),
    occurredAt: Timestamp,
    type: z.string().meta({ example: 'login.failed' }),
    actorId: z.string().nullable(),
    subjectId: z.string().nullable(),
    ip: z.string().nullable(),
    requestId: z.string().nullable(),
    details: z.record(z.string(), z.unknown()),
    hash: z.string().describe('SHA-256 chain hash (hex)'),
  })
  .meta({ id: 'AuditEntryView' });

export const AuditPage = z
  .object({
    items: z.array(AuditEntryView),
    nextCursor: z.string().nullable().describe('Pass as cursor for the next (older) page; null at the end'),
  })
  .meta({ id: 'AuditPage' });
export type AuditPage = z.infer<typeof AuditPage>;

export const ChainBreakView = z.object({ seq: z.number().int(), reason: z.enum(['hash_mismatch', 'link_mismatch', 'gap']) }).meta({ id: 'ChainBreakView' });

export const ChainHeadView = z.object({ seq: z.number().int(), hash: z.string() }).meta({ id: 'ChainHeadView' });

export const AuditVerificationResponse = z
  .object({
    valid: z.boolean(),
    checked: z.number().int().describe('Rows verified before the first break (all rows when valid)'),
    head: ChainHeadView,
    break: ChainBreakView.nullable(),
  })
  .meta({ id: 'AuditVerificationResponse' });
export type AuditVerificationResponse = z.infer<typeof AuditVerificationResponse>;
