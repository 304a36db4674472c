import { z } from 'zod';
import { Id, Timestamp } from '@shared-kernel';

export const SessionIdParams = z.strictObject({ id: Id });

export const SessionView = z
  .object({
    id: Id,
    current: z.boolean().describe("This request's own session"),
    device: z.string().nullable().meta({ example: 'Mozilla/5.0 (iPhone...)', description: 'Device (user agent) that signed in' }),
    ip: z.string().nullable().meta({ example: '203.0.113.7' }),
    createdAt: Timestamp,
    lastSeenAt: Timestamp,
    secondFactorAt: Timestamp.nullable().describe('Last second factor in this session (step-up)'),
  })
  .meta({ id: 'SessionView' });
export type SessionView = z.infer<typeof SessionView>;

export const SessionList = z.array(SessionView);

export const RevokedSessionsResponse = z.object({ revoked: z.number().int().meta({ example: 3 }) }).meta({ id: 'RevokedSessionsResponse' });
export type RevokedSessionsResponse = z.infer<typeof RevokedSessionsResponse>;
