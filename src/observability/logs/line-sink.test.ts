import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BufferedSink } from './line-sink.js';

/** A stream that records each write it is given. */
function recordingStream(): { stream: PassThrough; writes: string[] } {
  const writes: string[] = [];
  const stream = new PassThrough();
  const write = stream.write.bind(stream);
  stream.write = ((chunk: string, ...rest: never[]) => {
    writes.push(chunk);
    return write(chunk, ...rest);
  }) as typeof stream.write;
  stream.resume();
  return { stream, writes };
}

describe('BufferedSink', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('writes the lines of many calls in one write, within 20 ms of the first', () => {
    const { stream, writes } = recordingStream();
    const sink = new BufferedSink(stream, false);
    for (let index = 0; index < 30; index++) sink.write(`{"call":${index}}`);
    vi.advanceTimersByTime(19);
    expect(writes).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(writes).toHaveLength(1);
    expect(writes[0]!.split('\n').filter(Boolean)).toHaveLength(30);
  });

  it('does not wait for the timer once 64 KB are buffered, and keeps every write within 4 KB of whole lines', () => {
    const { stream, writes } = recordingStream();
    const sink = new BufferedSink(stream, false);
    const line = `{"padding":"${'x'.repeat(980)}"}`;
    for (let index = 0; index < 70; index++) sink.write(line);
    vi.advanceTimersByTime(0);
    expect(writes.length).toBeGreaterThan(1);
    for (const piece of writes) {
      expect(Buffer.byteLength(piece)).toBeLessThanOrEqual(4096);
      expect(piece.endsWith('\n')).toBe(true);
    }
    expect(writes.join('').split('\n').filter(Boolean)).toHaveLength(70);
  });

  it('writes what waits at once when closed', async () => {
    const { stream, writes } = recordingStream();
    const sink = new BufferedSink(stream, false);
    sink.write('{"last":true}');
    await sink.close();
    expect(writes).toEqual(['{"last":true}\n']);
    vi.advanceTimersByTime(100);
    expect(writes).toHaveLength(1);
  });
});
