import { Controller, Get, HttpCode, Inject, ServiceUnavailableException, VERSION_NEUTRAL } from '@nestjs/common';
import { DomainError } from '@shared-kernel';
import { ApiProblems } from '../http/api-problems.decorator';
import { Public } from '../auth/decorators';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, type HealthCheckResult, type HealthIndicatorFunction } from '@nestjs/terminus';
import { Cache } from '../cache/cache';
import { ContextDatabases } from '../database/databases';
import { EventTransport } from '../messaging/event-transport';
import { KafkaTransport } from '../messaging/kafka.transport';
import { Lifecycle } from '../lifecycle/lifecycle';

const CHECK_TIMEOUT_MS = 2000;

@Public()
@ApiTags('health')
@Controller({ path: 'health', version: VERSION_NEUTRAL })
export class HealthHttpController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    private readonly lifecycle: Lifecycle,
    private readonly databases: ContextDatabases,
    private readonly cache: Cache,
    @Inject(EventTransport) private readonly transport: EventTransport,
  ) {}

  @Get('live')
  @HttpCode(200)
  @ApiOperation({ summary: 'Liveness: the process is running and its event loop answers' })
  @ApiOkResponse({ schema: { type: 'object', properties: { status: { type: 'string', example: 'ok' } }, required: ['status'] } })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('startup')
  @ApiOperation({ summary: 'Startup: migrations applied, consumers and relay started' })
  @ApiOkResponse({ schema: { type: 'object', properties: { status: { type: 'string', example: 'ok' } }, required: ['status'] } })
  @ApiProblems(503)
  startup(): { status: 'ok' } {
    if (this.lifecycle.state === 'starting') throw new DomainError('unavailable', 'STARTING', 'Still starting');
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiOperation({ summary: 'Readiness: databases, cache and Kafka (when configured) answer; 503 names the failing part' })
  @ApiOkResponse({
    schema: {
      type: 'object',
      required: ['status', 'details'],
      properties: {
        status: { type: 'string', example: 'ok' },
        details: { type: 'object', additionalProperties: { type: 'object', properties: { status: { type: 'string', example: 'up' } } } },
      },
    },
  })
  @ApiProblems(503)
  async ready(): Promise<HealthCheckResult> {
    const checks: HealthIndicatorFunction[] = [
      () => (this.lifecycle.state === 'ready' ? this.indicator.check('app').up() : this.indicator.check('app').down({ message: this.lifecycle.state })),
      // `database` is the shared one; a context with its own database adds `database.<context>`.
      ...this.databases.all().map(
        ({ name, dataSource }) =>
          () =>
            this.indicator
              .check(name === 'default' ? 'database' : `database.${name}`)
              .attempt(() => dataSource.query('select 1').then(() => undefined))
              .withTimeout(CHECK_TIMEOUT_MS),
      ),
      () =>
        this.indicator
          .check('cache')
          .attempt(async () => ({ kind: (await this.cache.ping(), this.cache.kind) }))
          .withTimeout(CHECK_TIMEOUT_MS),
    ];
    const transport = this.transport;
    if (transport instanceof KafkaTransport) {
      checks.push(() =>
        this.indicator
          .check('kafka')
          .attempt(() => transport.ping(CHECK_TIMEOUT_MS))
          .withTimeout(CHECK_TIMEOUT_MS)
          .cacheFor(1000),
      );
    }
    try {
      return await this.health.check(checks);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      const result = error.getResponse() as HealthCheckResult;
      const failing = Object.keys(result.error ?? {});
      throw new DomainError('unavailable', 'NOT_READY', `Not ready: ${failing.join(', ')} down`, {
        extensions: { failing, checks: result.details },
      });
    }
  }
}
