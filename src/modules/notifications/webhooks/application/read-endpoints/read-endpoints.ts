import { Injectable } from '@nestjs/common';
import { DomainError } from '@shared-kernel';
import type { Principal } from '@platform/auth/principal';
import { WebhookRepository, type AttemptRecord, type EndpointRecord } from '@modules/notifications/webhooks/infrastructure/webhook.repository';
import { assertCanReach, endpointAccessOf } from '../endpoint-access';

/** Endpoints and their delivery attempts, as far as the caller may see them. */
@Injectable()
export class ReadEndpoints {
  constructor(private readonly repository: WebhookRepository) {}

  /** A client's own endpoints; staff name the client. */
  async list(principal: Principal, clientId?: string): Promise<EndpointRecord[]> {
    const access = endpointAccessOf(principal);
    const owner = access.staff ? (clientId ?? access.clientId) : access.clientId;
    if (!owner)
      throw new DomainError('unprocessable', 'WEBHOOK_CLIENT_ID_REQUIRED', 'Staff name the client whose endpoints to list', {
        errors: [{ field: 'clientId', message: 'required for staff' }],
      });
    if (!access.staff && clientId !== undefined && clientId !== owner) return [];
    return this.repository.endpointsOfClient(owner);
  }

  async get(principal: Principal, id: string): Promise<EndpointRecord> {
    return assertCanReach(endpointAccessOf(principal), await this.repository.findEndpoint(id), id);
  }

  async attempts(principal: Principal, id: string, page: { cursor?: string; limit: number }): Promise<{ items: AttemptRecord[]; nextCursor: string | null }> {
    await this.get(principal, id);
    return this.repository.attempts(id, page);
  }
}
