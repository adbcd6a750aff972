import { createServer, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeOutgoing } from './node-objects.js';
import { nodeStreamBody } from './node-stream-body.js';
import type { PullStreamHandlers } from './pull-stream.js';

interface Recorded {
  log: string[];
  handlers: PullStreamHandlers<string>;
}

function recorded(): Recorded {
  const log: string[] = [];
  return {
    log,
    handlers: {
      encode: (part) => part,
      end: () => '[end]',
      fail: (error) => `[failed: ${error.message}]`,
      cancel: () => log.push('cancel'),
      firstByte: () => log.push('first byte'),
    },
  };
}

/** Parts that come one by one; after `stallAfter` of them the next never comes. */
function parts(values: string[], log: string[], stallAfter = Infinity): AsyncIterable<string> {
  return {
    [Symbol.asyncIterator]() {
      let index = 0;
      return {
        next: () => {
          if (index >= stallAfter) return new Promise(() => {});
          return Promise.resolve(index < values.length ? { done: false, value: values[index++] } : { done: true as const, value: undefined });
        },
        return: async () => {
          log.push('return');
          return { done: true as const, value: undefined };
        },
      };
    },
  };
}

let server: Server | undefined;
afterEach(() => server?.close());

/** A Node server answering every request through the Node adapter with the body `make` returns for its response. */
async function serve(make: (outgoing: ServerResponse) => ReadableStream<Uint8Array>): Promise<string> {
  const listener = getRequestListener((_request, env) => new Response(make(nodeOutgoing(env)!), { headers: { 'content-type': 'text/event-stream', 'transfer-encoding': 'chunked' } }));
  server = createServer((incoming, outgoing) => void listener(incoming, outgoing));
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

describe('nodeStreamBody', () => {
  it('writes every part and the closing text to Node’s response', async () => {
    const { log, handlers } = recorded();
    const writes: unknown[] = [];
    const url = await serve((outgoing) => {
      const write = outgoing.write.bind(outgoing) as (chunk: unknown) => boolean;
      outgoing.write = ((chunk: unknown) => (writes.push(chunk), write(chunk))) as typeof outgoing.write;
      return nodeStreamBody(parts(['a', 'b', 'c'], log), handlers, outgoing);
    });
    const answer = await fetch(url);
    expect(await answer.text()).toBe('abc[end]');
    expect(log).toEqual(['first byte']);
    // Written as text by the body itself, not as encoded chunks read by the adapter.
    expect(writes).toEqual(['a', 'b', 'c', '[end]']);
  });

  it('writes a failure as the last text', async () => {
    const { handlers } = recorded();
    const failing: AsyncIterable<string> = {
      [Symbol.asyncIterator]: () => {
        let sent = false;
        return { next: async () => (sent ? Promise.reject(new Error('broke')) : ((sent = true), { done: false, value: 'a' })) };
      },
    };
    const url = await serve((outgoing) => nodeStreamBody(failing, handlers, outgoing));
    expect(await (await fetch(url)).text()).toMatch(/^a\[failed: /);
  });

  it('cancels the parts when the client goes away mid-stream', async () => {
    const { log, handlers } = recorded();
    let cancelled!: () => void;
    const done = new Promise<void>((resolve) => (cancelled = resolve));
    const url = await serve((outgoing) => {
      outgoing.on('close', () => setImmediate(cancelled));
      return nodeStreamBody(parts(['a', 'b'], log, 1), handlers, outgoing);
    });
    await new Promise<void>((resolve, reject) => {
      const outgoing = request(url, (answer) => {
        answer.once('data', (chunk: Buffer) => {
          expect(chunk.toString()).toBe('a');
          outgoing.destroy();
          resolve();
        });
      });
      outgoing.on('error', () => {});
      outgoing.on('close', () => resolve());
      outgoing.end();
      setTimeout(() => reject(new Error('no first part')), 5000).unref();
    });
    await done;
    expect(log).toEqual(['first byte', 'cancel', 'return']);
  });

  it('is an ordinary stream to whoever reads it before the headers are written', async () => {
    const { log, handlers } = recorded();
    const fakeOutgoing = { headersSent: false } as ServerResponse;
    expect(await new Response(nodeStreamBody(parts(['a', 'b'], log), handlers, fakeOutgoing)).text()).toBe('ab[end]');
  });
});
