/**
 * @module providers/gemini/errors
 * Reads Google's error body and hands it to the shared status mapping.
 * https://ai.google.dev/gemini-api/docs/troubleshooting
 *
 * Google answers `{"error": {code, message, status, details: [...]}}` (google.rpc.Status), also
 * as a one-element array, and inside an SSE stream as a `data:` event. What we read:
 * - `message` only: never `details`, whose `DebugInfo` may echo the API key ("Invalid API key: …").
 * - `ErrorInfo.reason` `API_KEY_*`: Gemini reports a bad key as 400 INVALID_ARGUMENT, but it is the
 *   gateway's credential that is wrong, not the client's request, so it takes the 401 path (→ 502).
 * - `RetryInfo.retryDelay` ("37s", "0.5s") → `Retry-After` in whole seconds, rounded up; the HTTP
 *   header is the fallback.
 * - the code shown to the client: 404 is always the model (the only path segment a client picks);
 *   400s keep Google's `status`/`reason` (INVALID_ARGUMENT, FAILED_PRECONDITION) to help debugging;
 *   429 and 5xx fall back to the shared OpenAI-style codes.
 */
import type { GatewayError } from '../../src/errors/gateway-error.js';
import { upstreamHttpError } from '../shared/upstream-errors.js';

interface GoogleErrorDetail {
  '@type'?: string;
  reason?: string;
  retryDelay?: string;
  [key: string]: unknown;
}

export interface GoogleError {
  code?: number | null;
  message?: string | null;
  status?: string | null;
  details?: GoogleErrorDetail[] | null;
}

/** An HTTP error answer: `bodyText` is whatever came back, JSON or not. */
export function geminiHttpError(provider: string, status: number, bodyText: string, retryAfterHeader: string | null): GatewayError {
  const error = parseGoogleError(bodyText);
  if (!error) {
    const message = bodyText.trim().startsWith('<') ? '' : bodyText.slice(0, 300);
    return upstreamHttpError({ provider, status, message, retryAfter: retryAfterHeader });
  }
  return googleError(provider, status, error, retryAfterHeader);
}

/** An error that arrived as a stream event, after the 200: its own `code` is the status. */
export function geminiStreamError(provider: string, error: GoogleError): GatewayError {
  return googleError(provider, typeof error.code === 'number' ? error.code : 500, error, null);
}

function googleError(provider: string, httpStatus: number, error: GoogleError, retryAfterHeader: string | null): GatewayError {
  const reason = findDetail(error, 'ErrorInfo')?.reason;
  const credentialsRejected = typeof reason === 'string' && reason.startsWith('API_KEY_');
  const status = credentialsRejected ? 401 : httpStatus;
  return upstreamHttpError({
    provider,
    status,
    message: error.message ?? '',
    code: clientCode(status, error.status ?? null, reason ?? null),
    retryAfter: retryAfterSeconds(findDetail(error, 'RetryInfo')?.retryDelay) ?? retryAfterHeader,
  });
}

function clientCode(status: number, googleStatus: string | null, reason: string | null): string | null {
  if (status === 404) return 'model_not_found';
  if (status >= 400 && status < 429) return reason ?? googleStatus;
  return null;
}

/** "37s", "1.5s", "0.000123s" (google.protobuf.Duration in JSON) → "37", "2", "1". */
export function retryAfterSeconds(retryDelay: unknown): string | null {
  if (typeof retryDelay !== 'string') return null;
  const match = /^(\d+(?:\.\d+)?)s$/.exec(retryDelay.trim());
  if (!match) return null;
  return String(Math.max(1, Math.ceil(Number(match[1]))));
}

function findDetail(error: GoogleError, kind: 'ErrorInfo' | 'RetryInfo'): GoogleErrorDetail | undefined {
  if (!Array.isArray(error.details)) return undefined;
  return error.details.find((detail) => typeof detail?.['@type'] === 'string' && detail['@type'].endsWith(`google.rpc.${kind}`));
}

function parseGoogleError(text: string): GoogleError | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  const envelope = Array.isArray(parsed) ? parsed[0] : parsed;
  const error = (envelope as { error?: unknown } | null)?.error;
  return error && typeof error === 'object' ? (error as GoogleError) : undefined;
}
