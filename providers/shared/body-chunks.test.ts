import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { bodyChunks } from './body-chunks.js';

/** What a consumer sees: the chunks as text, then "end" or the error's code or message. */
async function consume(chunks: AsyncIterable<Uint8Array>): Promise<string[]> {
  const seen: string[] = [];
  try {
    for await (const chunk of chunks) seen.push(Buffer.from(chunk).toString());
    seen.push('end');
  } catch (error) {
    seen.push(`error ${(error as { code?: string }).code ?? (error as Error).message}`);
  }
  return seen;
}

/** The same scenario against Node's own iterator and against bodyChunks. */
async function both(script: (body: PassThrough) => void): Promise<[string[], string[]]> {
  const run = (wrap: (body: PassThrough) => AsyncIterable<Uint8Array>) => {
    const body = new PassThrough();
    const seen = consume(wrap(body));
    script(body);
    return seen;
  };
  return [await run((body) => body), await run((body) => bodyChunks(body))];
}

describe('bodyChunks', () => {
  it('gives the chunks in order, then ends', async () => {
    const [node, ours] = await both((body) => {
      body.write('a');
      setImmediate(() => {
        body.write('b');
        body.end('c');
      });
    });
    expect(ours.join('')).toBe('abcend');
    expect(ours.join('')).toBe(node.join(''));
  });

  it('throws the body’s error, and a premature close when it closes before its end', async () => {
    const failed = await both((body) => {
      body.write('a');
      setImmediate(() => body.destroy(new Error('socket hang up')));
    });
    expect(failed[1]).toEqual(['a', 'error socket hang up']);
    expect(failed[1]).toEqual(failed[0]);
    const closed = await both((body) => {
      body.write('a');
      setImmediate(() => body.destroy());
    });
    expect(closed[1]).toEqual(['a', 'error ERR_STREAM_PREMATURE_CLOSE']);
    expect(closed[1]).toEqual(closed[0]);
  });

  it('destroys the body when the consumer stops early', async () => {
    const body = Readable.from(['a', 'b', 'c']);
    for await (const chunk of bodyChunks(body)) {
      expect(String(chunk)).toBe('a');
      break;
    }
    expect(body.destroyed).toBe(true);
  });
});
