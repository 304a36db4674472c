import type { Config } from '@adyen/api-library';
import { exchange } from '../transport';

/** The SDK's base for Checkout in its TEST environment; every endpoint it builds starts with it. */
export const ADYEN_SDK_CHECKOUT_BASE = 'https://checkout-test.adyen.com/';

/** A non-2xx answer from Adyen, with its error document (status, errorCode, message, errorType) when it sent one. */
export class AdyenHttpError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string | undefined,
    readonly errorType: string | undefined,
  ) {
    super(`adyen answered ${status}${errorCode ? ` ${errorCode}` : ''}`);
    this.name = 'AdyenHttpError';
  }
}

/**
 * The HTTP client the Adyen SDK (`@adyen/api-library`) sends its requests through — the SDK's
 * own extension point (`new Client(config, httpClient)`, interface `ClientInterface`). The SDK
 * has no setting for the Checkout base URL (it derives `https://checkout-test.adyen.com/v72`
 * or the live `{prefix}-checkout-live.adyenpayments.com` URL itself, and its default client
 * speaks https only), so this client replaces the SDK's base with `baseUrl` and keeps the
 * SDK's path, body and headers (X-API-Key, Idempotency-Key, Content-Type) as they are. It uses
 * fetch with a deadline over the whole answer and lets transport errors through unwrapped, so
 * the connector can tell "not sent" from "sent, no answer".
 */
export class AdyenHttpClient {
  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs: number,
  ) {}

  async request(
    endpoint: string,
    json: string | Buffer,
    config: Config,
    _isApiKeyRequired: boolean,
    requestOptions: { headers?: Record<string, string>; idempotencyKey?: string; method?: string; params?: Record<string, string> } = {},
  ): Promise<string> {
    if (!endpoint.startsWith(ADYEN_SDK_CHECKOUT_BASE)) throw new Error('adyen: endpoint outside Checkout');
    const url = new URL(endpoint.slice(ADYEN_SDK_CHECKOUT_BASE.length), this.baseUrl.endsWith('/') ? this.baseUrl : `${this.baseUrl}/`);
    for (const [key, value] of Object.entries(requestOptions.params ?? {})) url.searchParams.set(key, value);
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json', ...requestOptions.headers };
    if (config.apiKey) headers['x-api-key'] = config.apiKey;
    if (requestOptions.idempotencyKey) headers['idempotency-key'] = requestOptions.idempotencyKey;
    const method = requestOptions.method ?? 'POST';
    const answer = await exchange(url.toString(), { method, headers, ...(method === 'GET' ? {} : { body: json }), timeoutMs: this.timeoutMs });
    if (answer.status >= 200 && answer.status < 300) return answer.text;
    let errorCode: string | undefined;
    let errorType: string | undefined;
    try {
      const body = JSON.parse(answer.text) as { errorCode?: unknown; errorType?: unknown };
      if (typeof body.errorCode === 'string') errorCode = body.errorCode;
      if (typeof body.errorType === 'string') errorType = body.errorType;
    } catch {
      // not Adyen's error document (a proxy's page): the status says enough
    }
    throw new AdyenHttpError(answer.status, errorCode, errorType);
  }
}
