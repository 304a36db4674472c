import { Injectable } from '@nestjs/common';
import type { Principal } from '@platform/auth/principal';
import { Clock } from '@platform/clock';
import { UnitOfWork } from '@platform/database/unit-of-work';
import { UrlGuard } from '@modules/notifications/webhooks/infrastructure/url-guard';
import { WebhookRepository, type EndpointRecord } from '@modules/notifications/webhooks/infrastructure/webhook.repository';
import { assertCanReach, endpointAccessOf } from '../endpoint-access';
import { assertTypesPermitted, vetUrlOrRefuse } from '../register-endpoint/register-endpoint';

export interface EndpointChanges {
  readonly url?: string;
  readonly description?: string;
  readonly eventTypes?: readonly string[];
  readonly enabled?: boolean;
}

/**
 * Its owner (or staff) changes an endpoint: a new URL is vetted again, new event types
 * need the client's scopes, enabling an endpoint that was switched off clears its failure
 * streak (its waiting messages go out again). Or deletes it, with its messages and attempts.
 */
@Injectable()
export class ChangeEndpoint {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly repository: WebhookRepository,
    private readonly guard: UrlGuard,
    private readonly clock: Clock,
  ) {}

  async update(principal: Principal, id: string, changes: EndpointChanges): Promise<EndpointRecord> {
    const access = endpointAccessOf(principal);
    assertCanReach(access, await this.repository.findEndpoint(id), id);
    if (changes.eventTypes && !access.staff) assertTypesPermitted(principal, changes.eventTypes);
    if (changes.url !== undefined) await vetUrlOrRefuse(this.guard, changes.url);
    return this.uow.run(async (tx) => {
      assertCanReach(access, await this.repository.findEndpoint(id, tx, { forUpdate: true }), id);
      return this.repository.updateEndpoint(tx, id, changes, new Date(this.clock.now()));
    });
  }

  async remove(principal: Principal, id: string): Promise<void> {
    const access = endpointAccessOf(principal);
    await this.uow.run(async (tx) => {
      assertCanReach(access, await this.repository.findEndpoint(id, tx, { forUpdate: true }), id);
      await this.repository.deleteEndpoint(tx, id);
    });
  }
}
