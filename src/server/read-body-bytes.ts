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
import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import { GatewayError } from '../errors/gateway-error.js';
import { logger } from '../logging/logger.js';
import type { GatewayEnv } from './gateway-env.js';
import { nodeIncoming, nodeOutgoing } from './node-objects.js';

export async function readBodyBytes(context: Context<GatewayEnv>, limit: number): Promise<Uint8Array> {
  // Already read, by a middleware that needed the bytes first (an `Idempotency-Key`'s fingerprint).
  const alreadyRead = context.get('requestBody');
  if (alreadyRead) return alreadyRead;
  const declared = context.req.header('content-length');
  if (declared !== undefined && Number(declared) > limit) throw tooLarge(context, limit);
  let bytes: Uint8Array;
  try {
    const incoming = unreadIncoming(context);
    if (incoming) bytes = await readIncoming(incoming, limit, () => tooLarge(context, limit));
    else if (declared !== undefined) bytes = new Uint8Array(await context.req.arrayBuffer());
    else bytes = await readChunked(context, limit, () => tooLarge(context, limit));
  } catch (error) {
    if (error instanceof GatewayError) throw error;
    logger.debug('the client went away while sending its request body', { requestId: context.get('requestId'), reason: String(error) });
    throw new GatewayError(499, 'The client closed the connection before its request body arrived.', { code: 'client_closed_request' });
  }
  // Whoever needs the bytes later (the body capture) takes them from here: the stream is spent.
  context.set('requestBody', bytes);
  return bytes;
}

/**
 * The Node request behind the adapter, when its body has not been touched: read directly, the
 * body is one Buffer (no copy into a fresh ArrayBuffer, as the adapter's `arrayBuffer()` makes).
 */
function unreadIncoming(context: Context<GatewayEnv>): IncomingMessage | undefined {
  const incoming = nodeIncoming(context.env);
  return incoming && !incoming.readableEnded && !incoming.readableDidRead ? incoming : undefined;
}

/** Every byte of a Node request body, counted against the limit as it arrives; rejects when the connection fails first. */
function readIncoming(incoming: IncomingMessage, limit: number, refuse: () => GatewayError): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (error: unknown, bytes?: Uint8Array) => {
      incoming.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      if (error) reject(error);
      else resolve(bytes!);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        // Nothing more is read: the answer (413) closes the connection with the rest unread.
        incoming.pause();
        settle(refuse());
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => settle(undefined, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    const onError = (error: Error) => settle(error);
    const onClose = () => {
      if (!incoming.readableEnded) settle(new Error('the connection closed before the body arrived'));
    };
    incoming.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}

/** No length given (chunked), under `app.request()`: count the bytes as they arrive and stop at the limit. */
async function readChunked(context: Context<GatewayEnv>, limit: number, refuse: () => GatewayError): Promise<Uint8Array> {
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
      throw refuse();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/**
 * 413, and the connection closed once it is answered: the rest of the body stays unread, and on a
 * kept-alive connection Node would otherwise read and discard all of it (however much was declared
 * or keeps coming) before the next request.
 */
function tooLarge(context: Context<GatewayEnv>, limit: number): GatewayError {
  const outgoing = nodeOutgoing(context.env);
  if (outgoing && !outgoing.headersSent) outgoing.setHeader('connection', 'close');
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
