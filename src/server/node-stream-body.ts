/**
 * @module server/node-stream-body
 * A streamed answer's body that writes its parts straight to Node's response when served by the
 * `@hono/node-server` adapter, instead of through a WHATWG `ReadableStream` the adapter reads
 * chunk by chunk: no stream object per call (Node 20 makes each one transferable), no
 * `TextEncoder` per part (Node encodes the text into the chunk it writes), no read request and
 * its promises per part. Same loop, same texts and the same back-pressure as `pullStream`.
 *
 * The adapter writes the status and headers, then calls `getReader()` and reads until `done`,
 * cancelling the reader when the client goes away. Only a `getReader()` that comes once the
 * headers are on Node's response is the adapter's: anyone earlier (a middleware keeping a copy
 * of the answer, `Response.clone()`) gets the ordinary `pullStream`, and so does every other
 * use of the object (`cancel`, async iteration by `new Response(body)`).
 */
import type { ServerResponse } from 'node:http';
import { toGatewayError } from '../errors/render-error.js';
import { closingText, nextTurn, pullStream, type PullStreamHandlers } from './pull-stream.js';

/**
 * The body of every streamed answer (chat SSE, the other protocols' events, prompt streams): written
 * straight to Node's response when there is one, else the ordinary `pullStream`.
 */
export function streamBody<Part>(parts: AsyncIterable<Part>, handlers: PullStreamHandlers<Part>, outgoing: ServerResponse | undefined): ReadableStream<Uint8Array> {
  return outgoing ? nodeStreamBody(parts, handlers, outgoing) : pullStream(parts, handlers);
}

export function nodeStreamBody<Part>(parts: AsyncIterable<Part>, handlers: PullStreamHandlers<Part>, outgoing: ServerResponse): ReadableStream<Uint8Array> {
  let stream: ReadableStream<Uint8Array> | undefined;
  let direct: DirectWriter<Part> | undefined;
  const ordinary = () => (stream ??= pullStream(parts, handlers));
  const body = {
    get locked(): boolean {
      return direct !== undefined || (stream?.locked ?? false);
    },
    getReader() {
      if (direct === undefined && stream === undefined && outgoing.headersSent) return (direct = new DirectWriter(parts, handlers, outgoing));
      return ordinary().getReader();
    },
    cancel(reason?: unknown): Promise<void> {
      return direct ? direct.cancel() : ordinary().cancel(reason);
    },
    [Symbol.asyncIterator]() {
      return ordinary()[Symbol.asyncIterator]();
    },
  };
  // Duck-typed: the adapter and `Response` only ask for the members above.
  return body as unknown as ReadableStream<Uint8Array>;
}

type ReadResult = { done: true; value: undefined } | { done: false; value: Uint8Array };

/** Resolves once Node's response can take more, or is gone. */
function drained(outgoing: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      outgoing.off('drain', done);
      outgoing.off('close', done);
      resolve();
    };
    outgoing.on('drain', done);
    outgoing.on('close', done);
  });
}

/** The "reader" the adapter gets: its first `read()` writes the whole stream and then answers `done`. */
class DirectWriter<Part> {
  readonly closed: Promise<undefined>;
  private closeReader!: () => void;
  private readonly iterator: AsyncIterator<Part>;
  private settled = false;
  private sentFirstByte = false;
  private reading: Promise<ReadResult> | undefined;

  constructor(
    parts: AsyncIterable<Part>,
    private readonly handlers: PullStreamHandlers<Part>,
    private readonly outgoing: ServerResponse,
  ) {
    this.iterator = parts[Symbol.asyncIterator]();
    this.closed = new Promise((resolve) => (this.closeReader = () => resolve(undefined)));
  }

  read(): Promise<ReadResult> {
    // A cancel answers a pending read at once, as a cancelled ReadableStream does.
    this.reading ??= Promise.race([this.pump(), this.closed]).then(() => {
      this.closeReader();
      return { done: true as const, value: undefined };
    });
    return this.reading;
  }

  cancel(): Promise<void> {
    if (!this.settled) {
      this.settled = true;
      this.handlers.cancel();
    }
    this.closeReader();
    return this.iterator.return ? this.iterator.return().then(() => undefined) : Promise.resolve();
  }

  releaseLock(): void {}

  private write(text: string): boolean {
    if (text.length === 0 || this.outgoing.destroyed) return true;
    if (!this.sentFirstByte) {
      this.sentFirstByte = true;
      this.handlers.firstByte?.();
    }
    return this.outgoing.write(text);
  }

  private async pump(): Promise<void> {
    const { handlers, iterator } = this;
    try {
      for (;;) {
        const next = await iterator.next();
        if (this.settled) return;
        if (next.done) {
          this.settled = true;
          this.write(await closingText(handlers));
          return;
        }
        const text = handlers.encode(next.value);
        if (text === undefined || text.length === 0) continue;
        const first = !this.sentFirstByte;
        if (!this.write(text)) await drained(this.outgoing);
        // See `nextTurn`: the first byte leaves before the rest of a burst is encoded.
        else if (first) await nextTurn();
      }
    } catch (error) {
      if (this.settled) return;
      this.settled = true;
      this.write(handlers.fail(toGatewayError(error)));
    }
  }
}
