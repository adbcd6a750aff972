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
import type { Readable } from 'node:stream';
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
 * A successful answer's whole body as text, or a 502 once it passes `maxBytes`. Read with
 * listeners rather than `for await`: a Node stream's async iterator costs a promise and an
 * iterator result per chunk, and most answers are one chunk.
 */
export async function readBodyText(provider: string, response: Dispatcher.ResponseData, maxBytes: number, signal: AbortSignal): Promise<string> {
  const body = response.body;
  const declared = Number(response.headers['content-length']);
  if (declared > maxBytes) {
    body.destroy();
    throw responseTooLarge(provider, 'an answer', maxBytes);
  }
  try {
    const chunks = await collectChunks(body, maxBytes, () => responseTooLarge(provider, 'an answer', maxBytes));
    return chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
  } catch (error) {
    body.destroy();
    throw transportError(provider, error, signal);
  }
}

/** Every chunk of a readable body; rejects with `tooLarge()` once more than `maxBytes` arrived, or with the stream's error. */
function collectChunks(body: Readable, maxBytes: number, tooLarge: () => Error): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const done = (error: unknown) => {
      body.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      if (error) reject(error);
      else resolve(chunks);
    };
    const onData = (chunk: Buffer) => {
      total += chunk.length;
      if (total > maxBytes) done(tooLarge());
      else chunks.push(chunk);
    };
    const onEnd = () => done(undefined);
    const onError = (error: Error) => done(error);
    // Destroyed without an error (an abort): not every stream emits one.
    const onClose = () => done(body.readableEnded ? undefined : (body.errored ?? new Error('the answer was cut off')));
    body.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
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
