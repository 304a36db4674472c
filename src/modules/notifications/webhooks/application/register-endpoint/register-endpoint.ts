import { Inject, Injectable } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { DomainError, newId, UnprocessableError, ValidationError, type FieldError } from '@shared-kernel';
import type { Principal } from '@platform/auth/principal';
import { Clock } from '@platform/clock';
import { UnitOfWork } from '@platform/database/unit-of-work';
import { GetClientAccessQuery } from '@modules/identity/contract';
import { notificationsConfig, type NotificationsConfig } from '@modules/notifications/notifications.config';
import { eventTypeNamed, familyScope } from '@modules/notifications/webhooks/domain/webhook-event-types';
import { UrlGuard } from '@modules/notifications/webhooks/infrastructure/url-guard';
import { WebhookRepository, type EndpointRecord } from '@modules/notifications/webhooks/infrastructure/webhook.repository';
import { WebhookSecrets } from '@modules/notifications/webhooks/infrastructure/webhook-secrets';
import { endpointAccessOf } from '../endpoint-access';

export interface NewEndpoint {
  readonly url: string;
  readonly description?: string;
  readonly eventTypes: readonly string[];
}

/** Refuses a URL the SSRF guard does not clear, as a 400 naming `field`. */
export async function vetUrlOrRefuse(guard: UrlGuard, url: string, field = 'url'): Promise<void> {
  const vetting = await guard.vet(url);
  if (!vetting.ok) throw new ValidationError(`The webhook URL ${vetting.reason}`, [{ field, message: vetting.reason, code: vetting.code }], vetting.code);
}

/** Every event type must be one the client holds the family scope for (its token's scopes). */
export function assertTypesPermitted(principal: Principal, eventTypes: readonly string[]): void {
  const errors: FieldError[] = [];
  eventTypes.forEach((name, i) => {
    const type = eventTypeNamed(name);
    if (type && !principal.scopes.includes(familyScope(type.family)))
      errors.push({ field: `eventTypes.${i}`, message: `needs the scope ${familyScope(type.family)}`, code: 'WEBHOOK_EVENT_TYPE_NOT_PERMITTED' });
  });
  if (errors.length) throw new ValidationError('The client may not receive some of these event types', errors, 'WEBHOOK_EVENT_TYPE_NOT_PERMITTED');
}

/**
 * An API client registers an endpoint: its URL cleared by the SSRF guard, event types it
 * holds scopes for, within its limit of endpoints. The signing secret is answered once.
 */
@Injectable()
export class RegisterEndpoint {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly repository: WebhookRepository,
    private readonly guard: UrlGuard,
    private readonly secrets: WebhookSecrets,
    private readonly queries: QueryBus,
    private readonly clock: Clock,
    @Inject(notificationsConfig.token) private readonly config: NotificationsConfig,
  ) {}

  async execute(principal: Principal, wanted: NewEndpoint): Promise<{ endpoint: EndpointRecord; secret: string }> {
    const access = endpointAccessOf(principal);
    if (principal.kind !== 'client' || !access.clientId)
      throw new DomainError('forbidden', 'WEBHOOK_CLIENT_REQUIRED', 'Webhook endpoints are registered by the API client that receives them');
    const clientId = access.clientId;
    assertTypesPermitted(principal, wanted.eventTypes);
    await vetUrlOrRefuse(this.guard, wanted.url);
    const client = await this.queries.execute(new GetClientAccessQuery({ clientId }));
    if (!client?.active) throw new DomainError('forbidden', 'WEBHOOK_CLIENT_INACTIVE', 'The client is disabled or unknown');
    const secret = this.secrets.generate();
    const id = newId();
    const endpoint = await this.uow.run(async (tx) => {
      const count = await this.repository.countForClientLocked(tx, clientId);
      if (count >= this.config.webhooks.maxEndpointsPerClient)
        throw new UnprocessableError('WEBHOOK_ENDPOINT_LIMIT_REACHED', `a client may register at most ${this.config.webhooks.maxEndpointsPerClient} endpoints`);
      return this.repository.insertEndpoint(tx, {
        id,
        clientId,
        url: wanted.url,
        description: wanted.description ?? '',
        eventTypes: wanted.eventTypes,
        secret: this.secrets.seal(id, secret),
        at: new Date(this.clock.now()),
      });
    });
    return { endpoint, secret };
  }
}
