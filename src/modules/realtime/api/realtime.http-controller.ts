import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiExtraModels, ApiOperation, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '@platform/auth/decorators';
import { problem, PROBLEM_CONTENT_TYPE, ProblemDocument } from '@platform/http/problem';
import { sendProblem } from '@platform/http/problem.filter';
import { SUBPROTOCOL } from '../domain/protocol';

const problemContent = { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: getSchemaPath(ProblemDocument) } } };

/**
 * The OpenAPI entry of the WebSocket endpoint. A WebSocket upgrade is taken by
 * RealtimeGateway before Fastify routes anything; only a plain GET (no upgrade) reaches this
 * handler, and is told to upgrade (426).
 */
@ApiTags('realtime')
@Controller('realtime')
export class RealtimeHttpController {
  @Get()
  @Public()
  @ApiOperation({
    operationId: 'connectRealtime',
    summary: 'Realtime events over a WebSocket (balances, notifications): upgrade, then authenticate',
    description: [
      'A WebSocket endpoint (RFC 6455): send `GET` with `Upgrade: websocket`. Authenticate with the first',
      'message `{"type":"auth","token":"<access token>"}` (within 10 s), or with `Authorization: Bearer <access token>`',
      'on the upgrade request. Never put the token in the URL. The connection then receives the events of the',
      "token's user only, as JSON text frames. Resume with `after` in `auth`, or the `Last-Event-ID` header next to",
      `Authorization. Subprotocol: \`${SUBPROTOCOL}\` is chosen when offered. Message types, close codes and limits: docs/realtime.md.`,
    ].join(' '),
  })
  @ApiExtraModels(ProblemDocument)
  @ApiResponse({ status: 101, description: 'Switching Protocols: the WebSocket is open (authenticate with the first message unless Authorization was sent)' })
  @ApiResponse({
    status: 401,
    description: 'Authorization was sent on the upgrade and the token is invalid, expired or its session ended',
    content: problemContent,
  })
  @ApiResponse({
    status: 403,
    description: 'Authorization was sent on the upgrade with a service client token (realtime is for users)',
    content: problemContent,
  })
  @ApiResponse({ status: 426, description: 'Not a WebSocket upgrade request', content: problemContent })
  @ApiResponse({ status: 503, description: 'Shutting down or a dependency is unavailable; connect again (Retry-After)', content: problemContent })
  connect(@Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    reply.header('upgrade', 'websocket');
    sendProblem(
      reply,
      problem(426, 'UPGRADE_REQUIRED', 'Upgrade required', {
        detail: 'Open a WebSocket (Upgrade: websocket) on this URL; see docs/realtime.md',
        instance: '/v1/realtime',
        requestId: String(request.id),
      }),
    );
  }
}
