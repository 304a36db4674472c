import { DomainError, NotFoundError } from '@shared-kernel';
import { hasPermission, type Principal } from '@platform/auth/principal';
import type { EndpointRecord } from '../infrastructure/webhook.repository';

/** Who may reach which endpoints: a client its own (with webhooks:manage), staff any (webhooks:admin). */
export interface EndpointAccess {
  /** The calling client's id (null: staff acting on other clients' endpoints). */
  readonly clientId: string | null;
  readonly staff: boolean;
}

export const endpointNotFound = (id: string) => new NotFoundError('WEBHOOK_ENDPOINT_NOT_FOUND', `no webhook endpoint ${id}`);

export function endpointAccessOf(principal: Principal): EndpointAccess {
  if (hasPermission(principal, 'webhooks:admin')) return { clientId: principal.kind === 'client' ? principal.subject : null, staff: true };
  if (principal.kind === 'client' && hasPermission(principal, 'webhooks:manage')) return { clientId: principal.subject, staff: false };
  throw new DomainError('forbidden', 'PERMISSION_DENIED', 'Webhook endpoints need an API client with webhooks:manage (or staff with webhooks:admin)');
}

/** The endpoint, when the caller may reach it; otherwise its 404 (whether it exists is not disclosed). */
export function assertCanReach(access: EndpointAccess, endpoint: EndpointRecord | null, id: string): EndpointRecord {
  if (!endpoint || (!access.staff && endpoint.clientId !== access.clientId)) throw endpointNotFound(id);
  return endpoint;
}
