import { z } from 'zod';
import { defineQuery, Id } from '@shared-kernel';

export const ClientAccessView = z
  .object({
    clientId: z.string(),
    /** Registered and not disabled. */
    active: z.boolean(),
    /** The scopes the client may be granted (its registration). */
    scopes: z.array(z.string()),
    /**
     * Whether the user (when one was asked about) has authorized the client and the
     * authorization still stands: a refresh-token family of the user and the client,
     * neither revoked nor expired. Null when no user was named.
     */
    actsForUser: z.boolean().nullable(),
  })
  .meta({ id: 'ClientAccess' });
export type ClientAccessView = z.infer<typeof ClientAccessView>;

/**
 * An OAuth client's standing, and optionally whether it acts for a user (other contexts
 * check before sending a client anything about a user, e.g. outbound webhooks). Null when
 * there is no such client.
 */
export const GetClientAccessQuery = defineQuery('identity.get-client-access.v1', {
  payload: z.object({ clientId: z.string().min(1).max(100), userId: Id.optional() }),
  result: ClientAccessView.nullable(),
});
export type GetClientAccessQuery = InstanceType<typeof GetClientAccessQuery>;
