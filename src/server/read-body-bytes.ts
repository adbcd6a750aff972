/**
 * @module server/read-body-bytes
 * Reads a request body's bytes within the configured size limit: 413 for a body over it.
 *
 * The limit is checked here rather than by a middleware: Hono's body-limit middleware wraps the
 * body in a new stream, which makes the Node adapter build a full WHATWG Request for every call —
 * measurable on the hot path. With a `content-length` (what every SDK sends) the length is known
 * before reading and the adapter's fast path reads the body straight from the socket.
 *
 * Reading a body fails only when its connection does: the client hung up, or took longer than
 * `server.bodyTimeoutMs` and the server closed it (answering 408 on the socket itself, see
 * `http-server.ts`). Neither is an error of the gateway: it is logged at debug level, and the
 * request ends as 499 `client_closed_request` with nobody left to read the answer.
 */
import type { Context } from 'hono';
import { GatewayError } from '../errors/gateway-error.js';
import { logger } from '../logging/logger.js';
import type { GatewayEnv } from './gateway-env.js';

export async function readBodyBytes(context: Context<GatewayEnv>, limit: number): Promise<Uint8Array> {
  // Already read, by a middleware that needed the bytes first (an `Idempotency-Key`'s fingerprint).
  const alreadyRead = context.get('requestBody');
  if (alreadyRead) return alreadyRead;
  const declared = context.req.header('content-length');
  if (declared !== undefined && Number(declared) > limit) throw tooLarge(limit);
  try {
    if (declared !== undefined) return new Uint8Array(await context.req.arrayBuffer());
    return await readChunked(context, limit);
  } catch (error) {
    if (error instanceof GatewayError) throw error;
    logger.debug('the client went away while sending its request body', { requestId: context.get('requestId'), reason: String(error) });
    throw new GatewayError(499, 'The client closed the connection before its request body arrived.', { code: 'client_closed_request' });
  }
}

/** No length given (chunked): count the bytes as they arrive and stop at the limit. */
async function readChunked(context: Context<GatewayEnv>, limit: number): Promise<Uint8Array> {
  const body = context.req.raw.body;
  if (!body) return new Uint8Array(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

function tooLarge(limit: number): GatewayError {
  return new GatewayError(413, `The request body is larger than the ${limit} bytes allowed.`, { code: 'request_too_large' });
}

/** The body as a stream of bytes: the raw one, or the bytes a middleware already read. */
export function requestBodyStream(context: Context<GatewayEnv>): AsyncIterable<Uint8Array> | null {
  const alreadyRead = context.get('requestBody');
  if (!alreadyRead) return context.req.raw.body as AsyncIterable<Uint8Array> | null;
  return (async function* () {
    yield alreadyRead;
  })();
}
