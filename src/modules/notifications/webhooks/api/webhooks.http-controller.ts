import { Controller, Delete, Get, Header, HttpCode, Patch, Post } from '@nestjs/common';
import { ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { ApiAuth, CurrentPrincipal } from '@platform/auth/decorators';
import type { Principal } from '@platform/auth/principal';
import { ApiProblems } from '@platform/http/api-problems.decorator';
import { ApiResult, ValidBody, ValidParams, ValidQuery } from '@platform/http/zod-request';
import { familyScope, WEBHOOK_EVENT_TYPES } from '../domain/webhook-event-types';
import type { AttemptRecord, EndpointRecord } from '../infrastructure/webhook.repository';
import { ChangeEndpoint } from '../application/change-endpoint/change-endpoint';
import { ReadEndpoints } from '../application/read-endpoints/read-endpoints';
import { RegisterEndpoint } from '../application/register-endpoint/register-endpoint';
import { ReplayMessages } from '../application/replay-messages/replay-messages';
import { RotateSecret } from '../application/rotate-secret/rotate-secret';
import {
  CreateWebhookEndpointRequest,
  EndpointIdParams,
  ListWebhookEndpointsQuery,
  ReplayWebhookRequest,
  RotateWebhookSecretRequest,
  UpdateWebhookEndpointRequest,
  WebhookAttemptPage,
  WebhookAttemptsQuery,
  WebhookEndpointList,
  WebhookEndpointView,
  WebhookEndpointWithSecret,
  WebhookEventTypeList,
  WebhookReplayResult,
} from './dto/webhooks.dto';

type Params = z.output<typeof EndpointIdParams>;

/**
 * Outbound webhooks of API clients (docs/webhooks.md): a client with `webhooks:manage`
 * registers and manages its own endpoints; staff with `webhooks:admin` reach any. Anyone
 * else's endpoint is a 404.
 */
@ApiTags('notifications')
@ApiAuth()
@Controller('notifications/webhooks')
export class WebhooksHttpController {
  constructor(
    private readonly registering: RegisterEndpoint,
    private readonly changing: ChangeEndpoint,
    private readonly rotating: RotateSecret,
    private readonly replaying: ReplayMessages,
    private readonly reads: ReadEndpoints,
  ) {}

  @Get('event-types')
  @ApiOperation({ operationId: 'listWebhookEventTypes', summary: 'The webhook event types, with the scope a client needs for each' })
  @ApiResult(200, WebhookEventTypeList)
  eventTypes(): z.output<typeof WebhookEventTypeList> {
    return { items: WEBHOOK_EVENT_TYPES.map((t) => ({ type: t.type, family: t.family, scope: familyScope(t.family), description: t.description })) };
  }

  @Post('endpoints')
  @Header('cache-control', 'no-store')
  @ApiOperation({ operationId: 'createWebhookEndpoint', summary: 'Register an endpoint of the calling client (its signing secret is shown once)' })
  @ApiResult(201, WebhookEndpointWithSecret)
  @ApiProblems(400, 403, 422)
  async create(
    @CurrentPrincipal() principal: Principal,
    @ValidBody(CreateWebhookEndpointRequest) body: CreateWebhookEndpointRequest,
  ): Promise<z.output<typeof WebhookEndpointWithSecret>> {
    const { endpoint, secret } = await this.registering.execute(principal, body);
    return { endpoint: viewOf(endpoint), secret };
  }

  @Get('endpoints')
  @ApiOperation({ operationId: 'listWebhookEndpoints', summary: "The calling client's endpoints (staff: a client's, by clientId)" })
  @ApiResult(200, WebhookEndpointList)
  @ApiProblems(400, 403, 422)
  async list(
    @CurrentPrincipal() principal: Principal,
    @ValidQuery(ListWebhookEndpointsQuery) query: z.output<typeof ListWebhookEndpointsQuery>,
  ): Promise<z.output<typeof WebhookEndpointList>> {
    return { items: (await this.reads.list(principal, query.clientId)).map(viewOf) };
  }

  @Get('endpoints/:id')
  @ApiOperation({ operationId: 'getWebhookEndpoint', summary: 'An endpoint' })
  @ApiResult(200, WebhookEndpointView)
  @ApiProblems(400, 403, 404)
  async get(@CurrentPrincipal() principal: Principal, @ValidParams(EndpointIdParams) { id }: Params): Promise<WebhookEndpointView> {
    return viewOf(await this.reads.get(principal, id));
  }

  @Patch('endpoints/:id')
  @ApiOperation({ operationId: 'updateWebhookEndpoint', summary: 'Change an endpoint: URL, description, event types, enabled' })
  @ApiResult(200, WebhookEndpointView)
  @ApiProblems(400, 403, 404)
  async update(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(EndpointIdParams) { id }: Params,
    @ValidBody(UpdateWebhookEndpointRequest) body: UpdateWebhookEndpointRequest,
  ): Promise<WebhookEndpointView> {
    return viewOf(await this.changing.update(principal, id, body));
  }

  @Delete('endpoints/:id')
  @HttpCode(204)
  @ApiOperation({ operationId: 'deleteWebhookEndpoint', summary: 'Delete an endpoint with its messages and attempts' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(400, 403, 404)
  async remove(@CurrentPrincipal() principal: Principal, @ValidParams(EndpointIdParams) { id }: Params): Promise<void> {
    await this.changing.remove(principal, id);
  }

  @Post('endpoints/:id/rotate-secret')
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  @ApiOperation({
    operationId: 'rotateWebhookSecret',
    summary: 'A new signing secret; the old one keeps signing (both signatures are sent) for the window',
  })
  @ApiResult(200, WebhookEndpointWithSecret)
  @ApiProblems(400, 403, 404)
  async rotate(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(EndpointIdParams) { id }: Params,
    @ValidBody(RotateWebhookSecretRequest) body: z.output<typeof RotateWebhookSecretRequest>,
  ): Promise<z.output<typeof WebhookEndpointWithSecret>> {
    const { endpoint, secret } = await this.rotating.execute(principal, id, body.windowSeconds);
    return { endpoint: viewOf(endpoint), secret };
  }

  @Get('endpoints/:id/attempts')
  @ApiOperation({ operationId: 'listWebhookAttempts', summary: "The endpoint's delivery attempts, newest first (cursor pagination)" })
  @ApiResult(200, WebhookAttemptPage)
  @ApiProblems(400, 403, 404)
  async attempts(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(EndpointIdParams) { id }: Params,
    @ValidQuery(WebhookAttemptsQuery) query: z.output<typeof WebhookAttemptsQuery>,
  ): Promise<WebhookAttemptPage> {
    const page = await this.reads.attempts(principal, id, { cursor: query.cursor, limit: query.limit ?? 50 });
    return { items: page.items.map(attemptViewOf), nextCursor: page.nextCursor };
  }

  @Post('endpoints/:id/replay')
  @HttpCode(202)
  @ApiOperation({
    operationId: 'replayWebhookMessages',
    summary: 'Send one message again (messageId), or the messages of a time range (since, until; at most 1,000 per request)',
  })
  @ApiResult(202, WebhookReplayResult, 'Accepted: the messages are on the schedule again')
  @ApiProblems(400, 403, 404, 409, 422)
  replay(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(EndpointIdParams) { id }: Params,
    @ValidBody(ReplayWebhookRequest) body: ReplayWebhookRequest,
  ): Promise<z.output<typeof WebhookReplayResult>> {
    return this.replaying.execute(principal, id, body);
  }
}

function viewOf(e: EndpointRecord): WebhookEndpointView {
  return {
    id: e.id,
    clientId: e.clientId,
    url: e.url,
    description: e.description,
    eventTypes: e.eventTypes,
    enabled: e.enabled,
    disabledAt: e.disabledAt?.toISOString() ?? null,
    disabledReason: e.disabledReason,
    failingSince: e.failingSince?.toISOString() ?? null,
    previousSecretExpiresAt: e.previousSecretExpiresAt?.toISOString() ?? null,
    lastSequence: e.lastSequence,
    createdAt: e.createdAt.toISOString(),
    updatedAt: e.updatedAt.toISOString(),
  };
}

function attemptViewOf(a: AttemptRecord): z.output<typeof WebhookAttemptPage>['items'][number] {
  return {
    id: a.seq,
    messageId: a.messageId,
    eventType: a.eventType,
    sequence: a.sequence,
    attemptedAt: a.attemptedAt.toISOString(),
    trigger: a.trigger,
    status: a.status,
    responseStatus: a.responseStatus,
    responseTimeMs: a.responseTimeMs,
    error: a.error,
  };
}
