/**
 * @module providers/anthropic/transport
 * What goes on the wire to `POST /v1/messages`, as `@anthropic-ai/sdk` 1.x sent it, minus its
 * telemetry: the key as `Authorization: Bearer`, `anthropic-version: 2026-10-21` (the version
 * that SDK pins), `accept: application/json` (for streams too, as the SDK did) and
 * `content-type: application/json`. The provider's configured `headers` come after the defaults
 * and the key, so they can replace them (pinning `anthropic-version: 2023-06-01`, say); only
 * `content-type` stays ours, as in the SDK. Header names are compared case-insensitively.
 * Not sent: the SDK's `x-stainless-*` headers (retry count, timeout, OS, runtime, helper) and its
 * `User-Agent: Anthropic/JS <version>`.
 * @see https://docs.anthropic.com/en/api/versioning
 */

/** The API version `@anthropic-ai/sdk` 1.x sends; request.ts drops what it no longer accepts. */
export const ANTHROPIC_VERSION = '2026-10-21';

/** `{baseURL}/v1/messages`; a trailing slash on the base URL is not doubled. */
export function messagesUrl(baseURL: string): string {
  return `${baseURL.replace(/\/+$/, '')}/v1/messages`;
}

/** The request headers, built once per provider. Names are lower-case, so a configured header replaces a default one. */
export function anthropicHeaders(apiKey: string, configured: Record<string, string> = {}): Record<string, string> {
  const headers: Record<string, string> = {
    accept: 'application/json',
    'anthropic-version': ANTHROPIC_VERSION,
    authorization: `Bearer ${apiKey}`,
  };
  for (const [name, value] of Object.entries(configured)) headers[name.toLowerCase()] = value;
  headers['content-type'] = 'application/json';
  return headers;
}
