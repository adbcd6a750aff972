/**
 * @module providers/shared/body-chunks
 * An upstream body's chunks as an async iterable, read with listeners. `for await` over a Node
 * stream builds an async generator and an end-of-stream watcher (`eos`, half a dozen listeners)
 * per body and a promise and result object per chunk: ~2% of a streamed chat call's CPU, for a
 * body that usually arrives in one or two reads. This does what that iterator does for a body
 * read to its end: chunks in order, one held at a time (the body is paused until it is taken),
 * the body's error thrown (dropping what it still held, as the iterator does), a close without
 * an end is a premature close, and a consumer that stops early destroys the body (undici then
 * drops the upstream request).
 */
import type { Readable } from 'node:stream';

export function bodyChunks(body: Readable): AsyncIterable<Uint8Array> {
  return { [Symbol.asyncIterator]: () => new BodyChunks(body) };
}

type Waiting = { resolve(result: IteratorResult<Uint8Array>): void; reject(error: unknown): void };

const noop = () => {};

class BodyChunks implements AsyncIterator<Uint8Array> {
  private readonly queue: Uint8Array[] = [];
  private state: 'open' | 'ended' | 'failed' = 'open';
  private failure: unknown;
  private waiting: Waiting | undefined;

  constructor(private readonly body: Readable) {
    body.on('data', this.onData).on('end', this.onEnd).on('error', this.onError).on('close', this.onClose);
  }

  next(): Promise<IteratorResult<Uint8Array>> {
    if (this.queue.length > 0) {
      const value = this.queue.shift()!;
      if (this.queue.length === 0 && this.state === 'open') this.body.resume();
      return Promise.resolve({ done: false, value });
    }
    if (this.state === 'ended') return Promise.resolve({ done: true, value: undefined });
    if (this.state === 'failed') return Promise.reject(this.failure);
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  return(): Promise<IteratorResult<Uint8Array>> {
    if (this.state === 'open') this.settle('ended');
    this.queue.length = 0;
    this.body.destroy();
    return Promise.resolve({ done: true, value: undefined });
  }

  private readonly onData = (chunk: Uint8Array) => {
    const waiting = this.waiting;
    if (waiting === undefined) {
      this.queue.push(chunk);
      this.body.pause();
      return;
    }
    this.waiting = undefined;
    waiting.resolve({ done: false, value: chunk });
  };

  private readonly onEnd = () => this.settle('ended');
  private readonly onError = (error: unknown) => this.settle('failed', error);
  private readonly onClose = () => this.settle('failed', prematureClose());

  private settle(state: 'ended' | 'failed', error?: unknown): void {
    if (this.state !== 'open') return;
    this.state = state;
    this.failure = error;
    if (state === 'failed') this.queue.length = 0;
    this.body.off('data', this.onData).off('end', this.onEnd).off('error', this.onError).off('close', this.onClose);
    // A late error on a body nobody reads any more must not become an uncaught 'error' event.
    this.body.on('error', noop);
    const waiting = this.waiting;
    if (waiting === undefined) return;
    this.waiting = undefined;
    if (state === 'ended') waiting.resolve({ done: true, value: undefined });
    else waiting.reject(error);
  }
}

/** What Node's stream iterator throws when a body closes before its end. */
function prematureClose(): Error {
  return Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
}
