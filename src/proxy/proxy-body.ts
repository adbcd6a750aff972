/**
 * @module proxy/proxy-body
 * The two streamed bodies of a proxied call, never buffered. The request body is read from the
 * client only as fast as the target takes it, counted, and cut at the service's size limit; a
 * retry may resend it only while no byte of it was read (nothing is kept to replay). The answer
 * is pulled from the target one chunk per read of the client's side, so a slow client slows the
 * target instead of filling memory, and a client that goes away cancels the upstream request.
 *
 * One exception, which waits for nothing: a small body whose every byte had already arrived
 * (a short POST comes in the same packet as its head, a short answer with its status line) is
 * taken as one Buffer (`arrivedWhole`). It then costs one write instead of a stream pumped chunk
 * by chunk through promises, and a request body held whole may be resent on a retry.
 */
import type { Readable } from 'node:stream';
import { GatewayError } from '../errors/gateway-error.js';

/** Bodies up to this size that are already wholly in memory are handled as one Buffer. */
const wholeBodyMaxBytes = 64 * 1024;

/**
 * The stream's whole body when all of the `declared` length (a `content-length`) is already
 * buffered in it and is at most `limit` bytes, else undefined and the stream is left untouched.
 */
export function arrivedWhole(stream: Readable, declared: string | string[] | undefined, limit: number): Buffer | undefined {
  if (typeof declared !== 'string') return undefined;
  const length = Number(declared);
  if (!Number.isSafeInteger(length) || length < 0 || length > Math.min(limit, wholeBodyMaxBytes) || stream.readableLength !== length) return undefined;
  const bytes = length === 0 ? Buffer.alloc(0) : (stream.read(length) as Buffer | null);
  if (!bytes) return undefined;
  // Nothing is left to read: let the stream reach its end (and its owner reuse the connection).
  stream.resume();
  return bytes;
}

export class RequestBody {
  bytes = 0;
  /** A byte was read: the body cannot be sent again. */
  started = false;
  /** The whole body when it had arrived with the request (`arrivedWhole`): sent as is, resendable. */
  readonly whole: Buffer | undefined;
  private readonly source: AsyncIterator<Uint8Array> | undefined;

  /**
   * `source` is the Node request itself where there is one: Node 20's `Readable.toWeb` (behind
   * the web `Request.body`) counts its high-water mark in chunks, not bytes, and so reads a fast
   * upload into memory far ahead of a slower target.
   */
  constructor(
    source: AsyncIterable<Uint8Array> | Buffer | null,
    private readonly limit: number,
  ) {
    if (Buffer.isBuffer(source)) {
      this.whole = source;
      this.bytes = source.byteLength;
    } else this.source = source?.[Symbol.asyncIterator]();
  }

  get empty(): boolean {
    return this.source === undefined && this.whole === undefined;
  }

  /** The body for one attempt (undici pulls it as it sends). */
  async *chunks(): AsyncGenerator<Uint8Array> {
    if (!this.source) return;
    for (;;) {
      const { value, done } = await this.source.next();
      if (done) return;
      this.started = true;
      this.bytes += value.byteLength;
      if (this.bytes > this.limit) {
        await this.source.return?.();
        throw Object.assign(new GatewayError(413, `The request body is larger than the ${this.limit} bytes this service accepts.`, { code: 'request_too_large' }), {
          code: 'request_too_large',
        });
      }
      yield value;
    }
  }

}

export interface ResponseBodyEvents {
  /** Bytes moved (restarts the router's idle timer). */
  activity(): void;
  /** The body ended: `error` set when it broke (upstream reset, idle timeout) or the client left. */
  done(bytes: number, error: unknown, clientGone: boolean): void;
}

/** The target's body as a web stream for the client's response, counted; `done` is called exactly once. */
export function responseBody(upstream: Readable, events: ResponseBodyEvents): ReadableStream<Uint8Array> {
  const iterator = upstream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let bytes = 0;
  let ended = false;
  const end = (error: unknown, clientGone: boolean) => {
    if (ended) return;
    ended = true;
    events.done(bytes, error, clientGone);
  };
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const { value, done } = await iterator.next();
          if (done) {
            controller.close();
            end(undefined, false);
            return;
          }
          bytes += value.byteLength;
          events.activity();
          controller.enqueue(value);
        } catch (error) {
          end(error, false);
          controller.error(error);
        }
      },
      cancel(reason) {
        // undici's body emits an AbortError when destroyed; nobody is left to care.
        upstream.on('error', () => undefined);
        upstream.destroy();
        end(reason ?? new Error('client went away'), true);
      },
    },
    // One chunk at a time: back-pressure reaches the target through undici's socket.
    { highWaterMark: 0 },
  );
}
