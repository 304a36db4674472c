import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * X-Twilio-Signature (https://www.twilio.com/docs/usage/webhooks/webhooks-security): base64
 * of HMAC-SHA1, keyed with the account's auth token, over the full URL Twilio called
 * followed by every POST parameter, sorted by name, as name then value (no separators).
 */
export function twilioSignature(authToken: string, url: string, params: Readonly<Record<string, string | readonly string[]>>): string {
  const hmac = createHmac('sha1', authToken).update(url);
  for (const name of Object.keys(params).sort()) {
    const value = params[name]!;
    for (const v of typeof value === 'string' ? [value] : [...value].sort()) hmac.update(name).update(v);
  }
  return hmac.digest('base64');
}

/**
 * Whether `signature` is Twilio's for this URL and these parameters, compared in constant
 * time. Twilio's own libraries accept the URL with and without the scheme's default port
 * (its edge adds or drops `:443` depending on the path a request took); so does this.
 */
export function isTwilioSignature(
  signature: string | undefined,
  authToken: string,
  url: string,
  params: Readonly<Record<string, string | readonly string[]>>,
): boolean {
  if (!signature || signature.length > 128) return false;
  const given = Buffer.from(signature);
  return urlSpellings(url).some((spelling) => {
    const expected = Buffer.from(twilioSignature(authToken, spelling, params));
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
}

function urlSpellings(url: string): string[] {
  const parsed = new URL(url);
  const defaultPort = parsed.protocol === 'https:' ? '443' : parsed.protocol === 'http:' ? '80' : undefined;
  // URL drops a default port it is given (parsed.port is then ''): only then are there two spellings.
  if (!defaultPort || parsed.port !== '') return [url];
  const withPort = `${parsed.protocol}//${parsed.host}:${defaultPort}${parsed.pathname}${parsed.search}`;
  return [...new Set([url, parsed.toString(), withPort])];
}
