/**
 * @module server/pull-stream
 * The one loop that turns an async iterable of parts into a response body, shared by the OpenAI
 * SSE encoder and the prompt API's SSE: it pulls a part only when the client reads (back-pressure,
 * nothing buffered), writes what each part encodes to, writes a closing text when the parts end
 * or fail, and tells the owner when the client went away.
 */
import type { GatewayError } from '../errors/gateway-error.js';
import { toGatewayError } from '../errors/render-error.js';

export interface PullStreamHandlers<Part> {
  /** The text to send for a part; undefined sends nothing and pulls the next part. */
  encode(part: Part): string | undefined;
  /** The parts ended: the text to send before the body closes. */
  end(): string | Promise<string>;
  /** The parts failed: the text to send before the body closes. */
  fail(error: GatewayError): string;
  /** The client stopped reading and went away. */
  cancel(): void;
  /** Called once, just before the first byte is written. */
  firstByte?(): void;
}

const encoder = new TextEncoder();

/**
 * Resolves on the event loop's next turn. Node corks a chunked response's socket and uncorks it
 * in a `process.nextTick`, which only runs once the microtask queue is empty; parts that are
 * already in memory (a burst from one upstream read) resolve as one long microtask chain. Without
 * a pause after the first part, the first byte waited for the whole burst to be translated: about
 * a millisecond for a 64-event Anthropic stream.
 */
export const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export function pullStream<Part>(parts: AsyncIterable<Part>, handlers: PullStreamHandlers<Part>): ReadableStream<Uint8Array> {
  const iterator = parts[Symbol.asyncIterator]();
  let sentFirstByte = false;
  let flushedFirstByte = false;
  let settled = false;
  const enqueue = (controller: ReadableStreamDefaultController<Uint8Array>, text: string) => {
    if (text.length === 0) return;
    if (!sentFirstByte) {
      sentFirstByte = true;
      handlers.firstByte?.();
    }
    controller.enqueue(encoder.encode(text));
  };
  return new ReadableStream<Uint8Array>(
    {
      // Loops until it has enqueued something: a pull that returns empty-handed is not called
      // again while a read is pending, which would stall the stream.
      async pull(controller) {
        try {
          if (sentFirstByte && !flushedFirstByte) {
            flushedFirstByte = true;
            await nextTurn();
          }
          for (;;) {
            const next = await iterator.next();
            if (next.done) {
              if (settled) return;
              settled = true;
              enqueue(controller, await closingText(handlers));
              controller.close();
              return;
            }
            if (settled) return;
            const text = handlers.encode(next.value);
            if (text !== undefined) {
              enqueue(controller, text);
              return;
            }
          }
        } catch (error) {
          if (settled) return;
          settled = true;
          enqueue(controller, handlers.fail(toGatewayError(error)));
          controller.close();
        }
      },
      async cancel() {
        if (!settled) {
          settled = true;
          handlers.cancel();
        }
        await iterator.return?.();
      },
    },
    { highWaterMark: 0 },
  );
}

/** What `end` sends; should it throw, the stream still closes, with the failure as its last event. */
export async function closingText<Part>(handlers: PullStreamHandlers<Part>): Promise<string> {
  try {
    return await handlers.end();
  } catch (error) {
    return handlers.fail(toGatewayError(error));
  }
}
