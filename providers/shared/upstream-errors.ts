/**
 * @module providers/shared/upstream-errors
 * Maps what goes wrong upstream to the status a client should see. Shared by every provider; each
 * provider's `errors.ts` only extracts the message (and retry hints) from its own error body.
 *
 * - the client's request was bad (400, 404, 413, 422): the same status, with the upstream message
 * - 429 stays 429 and keeps `Retry-After`
 * - the upstream rejected Tollgate's own credentials (401, 403): 502, because the caller's key is fine
 * - Anthropic's 529 "overloaded" and any 503: 503
 * - other 5xx: 502; an upstream 504: 504
 * - refused or reset connections: 502; timeouts: 504
 */
import { GatewayError } from '../../src/errors/gateway-error.js';
import { redactSecrets } from '../../src/logging/logger.js';

export interface UpstreamErrorDetails {
  provider: string;
  status: number;
  message: string;
  /** The upstream's own error code or type, kept for the client to read. */
  code?: string | null;
  param?: string | null;
  retryAfter?: string | null;
}

export function upstreamHttpError({ provider, status, message, code: rawCode, param: rawParam, retryAfter }: UpstreamErrorDetails): GatewayError {
  const text = `${provider}: ${upstreamMessage(message) || `upstream answered HTTP ${status}`}`;
  const headers: Record<string, string> = retryAfter && isRetryAfter(retryAfter) ? { 'retry-after': retryAfter } : {};
  const code = identifier(rawCode);
  const param = identifier(rawParam);
  if (status === 429) {
    return new GatewayError(429, text, { type: 'rate_limit_error', code: code ?? 'rate_limit_exceeded', headers });
  }
  if (status === 401 || status === 403) {
    return new GatewayError(502, `${provider} rejected the gateway's credentials (HTTP ${status}): ${text}`, {
      type: 'upstream_error',
      code: 'upstream_authentication_failed',
    });
  }
  if (status === 503 || status === 529) {
    return new GatewayError(503, text, { type: 'upstream_error', code: code ?? 'upstream_overloaded', headers });
  }
  if (status === 504 || status === 408) {
    return new GatewayError(504, text, { type: 'timeout_error', code: 'upstream_timeout' });
  }
  if (status >= 500) {
    return new GatewayError(502, text, { type: 'upstream_error', code: code ?? 'upstream_error' });
  }
  const clientStatus = [400, 404, 409, 413, 415, 422].includes(status) ? status : 400;
  return new GatewayError(clientStatus, text, {
    type: status === 404 ? 'not_found_error' : 'invalid_request_error',
    code: code ?? null,
    param: param ?? null,
  });
}

/** Upstream text shown to a client: secrets redacted, markup dropped, at most `maxMessageLength` characters. */
const maxMessageLength = 1_000;

export function upstreamMessage(message: string): string {
  const trimmed = message.trim();
  // An HTML page (a proxy's error page) says nothing useful and may carry anything.
  if (trimmed.startsWith('<')) return '';
  // Redacted before it is cut, so a cut can never leave the first half of a key behind.
  const redacted = redactSecrets(trimmed);
  return redacted.length > maxMessageLength ? `${redacted.slice(0, maxMessageLength)}…` : redacted;
}

/** An upstream's error code or param is passed on only when it looks like one: never free text. */
function identifier(value: string | null | undefined): string | null {
  if (value == null) return null;
  return /^[A-Za-z0-9_.:\[\]-]{1,100}$/.test(value) && redactSecrets(value) === value ? value : null;
}

/** `Retry-After` is seconds or an HTTP date; anything else is not repeated to the client. */
function isRetryAfter(value: string): boolean {
  return /^\d{1,9}$/.test(value) || /^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(value);
}

const timeoutCodes = new Set([
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'ETIMEDOUT',
]);

/** A failure below HTTP: no connection, a reset, a timeout, or the caller going away. */
export function transportError(provider: string, error: unknown, signal?: AbortSignal): GatewayError {
  if (error instanceof GatewayError) return error;
  if (error instanceof RangeError) return nestedTooDeeply(provider);
  if (signal?.aborted) {
    return new GatewayError(499, 'the client closed the request', { type: 'api_error', code: 'client_closed_request' });
  }
  const code = findErrorCode(error);
  const name = (error as Error | undefined)?.name ?? '';
  // The cause is kept for the gateway's own log ("upstream attempt failed"), never sent to the client.
  if ((code && timeoutCodes.has(code)) || /timeout/i.test(name)) {
    return new GatewayError(504, `${provider} did not answer in time`, { type: 'timeout_error', code: 'upstream_timeout', cause: error });
  }
  return new GatewayError(502, `${provider} could not be reached${code ? ` (${code})` : ''}`, {
    type: 'upstream_error',
    code: 'upstream_unreachable',
    cause: error,
  });
}

/**
 * An answer whose JSON nests so deeply that translating it overflows the stack (`JSON.parse`
 * takes any depth; `JSON.stringify` of a tool call's arguments does not): the upstream's fault.
 */
export function nestedTooDeeply(provider: string): GatewayError {
  return new GatewayError(502, `${provider} sent an answer nested too deeply (or too large) to translate`, { type: 'upstream_error', code: 'upstream_invalid_response' });
}

/** Runs a translation of an upstream answer; a stack overflow on a hostile depth becomes a 502. */
export function translateAnswer<T>(provider: string, translate: () => T): T {
  try {
    return translate();
  } catch (error) {
    if (error instanceof RangeError) throw nestedTooDeeply(provider);
    throw error;
  }
}

/** Network errors hide their code in `cause` chains (fetch wraps undici errors). */
function findErrorCode(error: unknown): string | undefined {
  let current = error as { code?: unknown; cause?: unknown } | undefined;
  for (let depth = 0; current && depth < 5; depth++) {
    if (typeof current.code === 'string') return current.code;
    current = current.cause as typeof current;
  }
  return undefined;
}
