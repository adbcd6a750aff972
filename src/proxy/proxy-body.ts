/**
 * @module proxy/proxy-body
 * The two streamed bodies of a proxied call, never buffered. The request body is read from the
 * client only as fast as the target takes it, counted, and cut at the service's size limit; a
 * retry may resend it only while no byte of it was read (nothing is kept to replay). The answer
 * is pulled from the target one chunk per read of the client's side, so a slow client slows the
 * target instead of filling memory, and a client that goes away cancels the upstream request.
 */
import type { Readable } from 'node:stream';
import { GatewayError } from '../errors/gateway-error.js';

export class RequestBody {
  bytes = 0;
  /** A byte was read: the body cannot be sent again. */
  started = false;
  private readonly source: AsyncIterator<Uint8Array> | undefined;

  /**
   * `source` is the Node request itself where there is one: Node 20's `Readable.toWeb` (behind
   * the web `Request.body`) counts its high-water mark in chunks, not bytes, and so reads a fast
   * upload into memory far ahead of a slower target.
   */
  constructor(
    source: AsyncIterable<Uint8Array> | null,
    private readonly limit: number,
  ) {
    this.source = source?.[Symbol.asyncIterator]();
  }

  get empty(): boolean {
    return this.source === undefined;
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
