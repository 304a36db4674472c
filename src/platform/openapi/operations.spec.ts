import type { OpenAPIObject } from '@nestjs/swagger';
import { deriveOperationId, finishOperations, routeKey, type RouteHandler } from './operations';

describe('operation ids', () => {
  it.each([
    ['TransfersHttpController', 'submit', 'post', 'submitTransfer'],
    ['TransfersHttpController', 'submitBatch', 'post', 'submitTransferBatch'],
    ['TransfersHttpController', 'get', 'get', 'getTransfer'],
    ['LedgerAccountsHttpController', 'get', 'get', 'getLedgerAccount'],
    ['LedgerAccountsHttpController', 'postings', 'get', 'getLedgerAccountPostings'],
    ['LedgerAccountsHttpController', 'balanceAsOf', 'get', 'getLedgerAccountBalanceAsOf'],
    ['ReconciliationsHttpController', 'run', 'post', 'runReconciliation'],
    ['AccountsHttpController', 'list', 'get', 'listAccounts'],
    ['AccountsHttpController', 'open', 'post', 'openAccount'],
    ['SessionsHttpController', 'revokeAll', 'delete', 'revokeAllSessions'],
    ['SessionsHttpController', 'revoke', 'delete', 'revokeSession'],
    ['AuthHttpController', 'signUp', 'post', 'signUpAuth'],
    ['TokenHttpController', 'token', 'post', 'createToken'],
    ['AccountTransfersHttpController', 'transfer', 'post', 'createAccountTransfer'],
    ['MetricsHttpController', 'scrape', 'get', 'scrapeMetrics'],
    ['HealthHttpController', 'live', 'get', 'getHealthLive'],
    ['AddressesHttpController', 'get', 'get', 'getAddress'],
    ['CategoriesHttpController', 'list', 'get', 'listCategories'],
    ['StatusHttpController', 'get', 'get', 'getStatus'],
    // A GET named after what it returns gets "get"; a write named that way gets its HTTP method's verb.
    ['StatementsHttpController', 'download', 'get', 'downloadStatement'],
    ['MfaHttpController', 'registrationOptions', 'post', 'createMfaRegistrationOptions'],
    ['CardsHttpController', 'pin', 'put', 'setCardPin'],
  ])('%s.%s (%s) is %s', (controller, method, verb, expected) => {
    expect(deriveOperationId(controller, method, verb)).toBe(expected);
  });

  class TransfersHttpController {}
  class OtherTransfersHttpController {}
  const handler = (controller: RouteHandler['controller'], method: string, extra: Partial<RouteHandler> = {}): RouteHandler => ({
    controller,
    method,
    isPublic: false,
    ...extra,
  });
  const documentOf = (paths: Record<string, Record<string, Record<string, unknown>>>): OpenAPIObject => ({
    openapi: '3.0.0',
    info: { title: 't', version: '1' },
    paths,
  });

  it('refuses two operations with one id, naming both', () => {
    const document = documentOf({
      '/v1/transfers': { post: { operationId: routeKey('TransfersHttpController', 'submit'), responses: {} } },
      '/v2/transfers': { post: { operationId: 'submitTransfer', responses: {} } },
    });
    expect(() =>
      finishOperations(document, [
        handler(TransfersHttpController, 'submit'),
        handler(OtherTransfersHttpController, 'submitV2', { explicitId: 'submitTransfer' }),
      ]),
    ).toThrow(/operationId submitTransfer of POST \/v2\/transfers is also the id of POST \/v1\/transfers/);
  });

  it('keeps an id given with @ApiOperation({ operationId })', () => {
    const document = documentOf({ '/v1/transfers': { post: { operationId: 'moveMoney', responses: {} } } });
    finishOperations(document, [handler(TransfersHttpController, 'submit', { explicitId: 'moveMoney' })]);
    expect(document.paths['/v1/transfers']!.post!.operationId).toBe('moveMoney');
  });

  it('says no credentials on public routes and the bearer token (and its 401) on the others', () => {
    const document = documentOf({
      '/v1/transfers': {
        post: { operationId: routeKey('TransfersHttpController', 'submit'), responses: {}, requestBody: {} },
        get: { operationId: routeKey('TransfersHttpController', 'list'), responses: {} },
      },
    });
    finishOperations(document, [handler(TransfersHttpController, 'submit'), handler(TransfersHttpController, 'list', { isPublic: true })]);
    const { post, get } = document.paths['/v1/transfers']!;
    expect(post).toMatchObject({
      security: [{ bearer: [] }],
      responses: { '401': { content: { 'application/problem+json': expect.anything() } } },
      'x-codegen-request-body-name': 'body',
    });
    expect(get!.security).toEqual([]);
    expect(get!.responses).not.toHaveProperty('401');
  });

  it('refuses a route it cannot trace to a handler', () => {
    const document = documentOf({ '/v1/transfers': { post: { operationId: routeKey('TransfersHttpController', 'gone'), responses: {} } } });
    expect(() => finishOperations(document, [handler(TransfersHttpController, 'submit')])).toThrow(/no route handler TransfersHttpController.gone/);
  });
});
