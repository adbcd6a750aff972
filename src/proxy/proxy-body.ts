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
  private readonly reader: ReadableStreamDefaultReader<Uint8Array> | undefined;

  constructor(
    stream: ReadableStream<Uint8Array> | null,
    private readonly limit: number,
  ) {
    this.reader = stream?.getReader();
  }

  get empty(): boolean {
    return this.reader === undefined;
  }

  /** The body for one attempt (undici pulls it as it sends). */
  async *chunks(): AsyncGenerator<Uint8Array> {
    if (!this.reader) return;
    for (;;) {
      const { value, done } = await this.reader.read();
      if (done) return;
      this.started = true;
      this.bytes += value.byteLength;
      if (this.bytes > this.limit) {
        await this.reader.cancel().catch(() => undefined);
        throw Object.assign(new GatewayError(413, `The request body is larger than the ${this.limit} bytes this service accepts.`, { code: 'request_too_large' }), {
          code: 'request_too_large',
        });
      }
      yield value;
    }
  }

  /** The client's body is no longer wanted (the call failed): stop reading it. */
  cancel(): void {
    this.reader?.cancel().catch(() => undefined);
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
