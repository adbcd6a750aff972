/**
 * @module providers/shared/upstream-response
 * Reads what an upstream answered without trusting it. Every adapter's bytes pass through here:
 * - a redirect (3xx) is an upstream error, never followed and never shown: its body (which may
 *   echo the request, key included) is discarded unread;
 * - a non-streamed answer is read against `maxResponseBytes`, refused as soon as it goes past
 *   (a declared `Content-Length` is checked before reading anything);
 * - an error answer is read up to 64 KiB, enough for any provider's error message, and the rest
 *   is dropped with the connection.
 * Streams are bounded by the SSE decoder (see `sse-decoder.ts`), which sees every byte anyway.
 */
import type { Dispatcher } from 'undici';
import { GatewayError } from '../../src/errors/gateway-error.js';
import type { ResponseLimits } from './response-limits.js';
import { SseDecoder } from './sse-decoder.js';
import { transportError } from './upstream-errors.js';

/** Error answers are read this far: messages are cut far shorter, and nothing past this is needed. */
export const errorBodyLimit = 64 * 1024;

export function responseTooLarge(provider: string, what: string, limit: number): GatewayError {
  return new GatewayError(502, `${provider} sent ${what} larger than the configured limit of ${limit} bytes`, {
    type: 'upstream_error',
    code: 'upstream_response_too_large',
  });
}

/**
 * Refuses an answer that is neither a success (2xx) nor an error (4xx/5xx): a redirect is how a
 * misconfigured `baseURL` or a captive proxy answers, and following it would send the provider key
 * to wherever it points.
 */
export async function refuseUnexpectedStatus(provider: string, response: Dispatcher.ResponseData): Promise<void> {
  const status = response.statusCode;
  if ((status >= 200 && status < 300) || status >= 400) return;
  await response.body.dump({ limit: errorBodyLimit }).catch(() => undefined);
  const what = status >= 300 && status < 400 ? 'a redirect' : 'an unexpected status';
  throw new GatewayError(502, `${provider} answered HTTP ${status} (${what}); Tollgate does not follow redirects: check the provider's baseURL`, {
    type: 'upstream_error',
    code: 'upstream_redirect',
  });
}

/**
 * A successful answer's whole body as text, or a 502 once it passes `maxBytes`. Read with the
 * stream's own events rather than `for await`: the async iterator (and its end-of-stream
 * watcher) cost several microseconds per call, on every non-streamed answer.
 */
export function readBodyText(provider: string, response: Dispatcher.ResponseData, maxBytes: number, signal: AbortSignal): Promise<string> {
  const body = response.body;
  const declared = Number(response.headers['content-length']);
  if (declared > maxBytes) {
    body.destroy();
    return Promise.reject(responseTooLarge(provider, 'an answer', maxBytes));
  }
  // Already failed or closed (aborted before it was read): what `for await` would have thrown.
  if (body.destroyed) return Promise.reject(transportError(provider, body.errored ?? prematureClose(), signal));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let settled = false;
    const settle = (error?: unknown) => {
      if (settled) return;
      settled = true;
      body.off('data', onData);
      body.off('end', onEnd);
      body.off('close', onClose);
      if (error === undefined) {
        body.off('error', onError);
        resolve(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks, total).toString('utf8'));
        return;
      }
      // The error listener stays: destroying the body emits the abort it causes.
      body.destroy();
      reject(transportError(provider, error, signal));
    };
    const onData = (chunk: Buffer) => {
      total += chunk.length;
      if (total > maxBytes) settle(responseTooLarge(provider, 'an answer', maxBytes));
      else chunks.push(chunk);
    };
    const onEnd = () => settle();
    const onError = (error: unknown) => settle(error);
    // Closed with neither an end nor an error.
    const onClose = () => settle(prematureClose());
    body.on('data', onData);
    body.on('end', onEnd);
    body.on('error', onError);
    body.on('close', onClose);
  });
}

/** The error `for await` throws for a stream that closed before its end. */
function prematureClose(): Error {
  return Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
}

/** An error answer's body, at most `errorBodyLimit` bytes of it; never throws (what arrived is enough). */
export async function readErrorText(response: Dispatcher.ResponseData): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      const room = errorBodyLimit - total;
      chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
      total += Math.min(chunk.length, room);
      if (total >= errorBodyLimit) break;
    }
  } catch {
    // A reset in the middle of an error body: the part that arrived still says what went wrong.
  }
  if (!response.body.destroyed && total >= errorBodyLimit) response.body.destroy();
  return Buffer.concat(chunks, total).toString('utf8');
}

/** The SSE decoder for an upstream stream, bounded by the provider's limits. */
export function upstreamSseDecoder(provider: string, limits: ResponseLimits): SseDecoder {
  return new SseDecoder({
    maxBytes: limits.maxStreamBytes,
    maxEventChars: limits.maxEventBytes,
    tooLarge: (what, limit) => responseTooLarge(provider, what === 'stream' ? 'a stream' : 'a stream event', limit),
  });
}
