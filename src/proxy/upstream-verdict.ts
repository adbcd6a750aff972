/**
 * @module proxy/upstream-verdict
 * What a REST target's answer or failure means to the router. 502, 503 and 504 are the target's
 * fault and worth another target; a 429 is worth a retry after `Retry-After` but says nothing bad
 * about the target's health; any other status (a 500 included: the service's own answer to this
 * request) goes back to the client as it is. Errors below HTTP are judged by their undici code.
 */
import { parseRetryAfter, type FailureVerdict, type Verdict } from '../router/index.js';

export function statusVerdict(status: number, retryAfter: string | string[] | undefined): Verdict {
  if (status === 502 || status === 503 || status === 504) {
    return { ok: false, reason: `upstream_${status}`, retryable: true, blameTarget: true, retryAfterMs: retryAfterMs(retryAfter) };
  }
  if (status === 429) return { ok: false, reason: 'upstream_429', retryable: true, blameTarget: false, retryAfterMs: retryAfterMs(retryAfter) };
  return { ok: true };
}

/** A failure below HTTP: nothing reached the client, so retrying is safe when the method allows it. */
export function transportVerdict(error: unknown): FailureVerdict {
  const code = (error as { code?: string } | null)?.code;
  switch (code) {
    case 'UND_ERR_CONNECT_TIMEOUT':
      return { ok: false, reason: 'connect_timeout', retryable: true, blameTarget: true };
    case 'UND_ERR_HEADERS_TIMEOUT':
      return { ok: false, reason: 'upstream_timeout', retryable: true, blameTarget: true };
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EAI_AGAIN':
      return { ok: false, reason: 'connect_failed', retryable: true, blameTarget: true };
    case 'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH':
    case 'request_too_large':
      // The client's body was at fault, not the target.
      return { ok: false, reason: 'bad_request_body', retryable: false, blameTarget: false };
    default:
      return { ok: false, reason: 'upstream_error', retryable: true, blameTarget: true };
  }
}

function retryAfterMs(value: string | string[] | undefined): number | undefined {
  return parseRetryAfter(Array.isArray(value) ? value[0] : value, Date.now());
}
