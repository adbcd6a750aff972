import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SseDecoder, type SseEvent } from './sse-decoder.js';
import { conformancePath } from '../../test/helpers/conformance.js';

function decodeInPieces(bytes: Uint8Array, pieceSize: number): SseEvent[] {
  const decoder = new SseDecoder();
  const events: SseEvent[] = [];
  for (let offset = 0; offset < bytes.length; offset += pieceSize) events.push(...decoder.push(bytes.subarray(offset, offset + pieceSize)));
  events.push(...decoder.end());
  return events;
}

const encode = (text: string) => new TextEncoder().encode(text);

describe('SseDecoder', () => {
  it('gives the same events however the bytes are split, including inside multi-byte characters', () => {
    const text = 'data: {"c":"Grüße 👋"}\n\nevent: delta\ndata: 日本\ndata: 語\n\n: keep-alive\n\ndata: [DONE]\n\n';
    const expected = [
      { event: undefined, data: '{"c":"Grüße 👋"}' },
      { event: 'delta', data: '日本\n語' },
      { event: undefined, data: '[DONE]' },
    ];
    for (const size of [1, 2, 3, 5, 7, 1000]) expect(decodeInPieces(encode(text), size)).toEqual(expected);
  });

  it('accepts CRLF and lone CR line endings, even with CR and LF in different pieces', () => {
    const text = 'data: a\r\n\r\ndata: b\r\rdata: c\n\n';
    for (const size of [1, 2, 3, 100]) {
      expect(decodeInPieces(encode(text), size).map((event) => event.data)).toEqual(['a', 'b', 'c']);
    }
  });

  it('flushes a final event that has no blank line after it', () => {
    expect(decodeInPieces(encode('data: last'), 4)).toEqual([{ event: undefined, data: 'last' }]);
  });

  it('ignores leading blank lines and fields it does not know', () => {
    expect(decodeInPieces(encode('\n\n\nid: 1\nretry: 10\ndata:x\n\n'), 2)).toEqual([{ event: undefined, data: 'x' }]);
  });

  it('reads the CRLF-framed Gemini recordings', () => {
    const bytes = readFileSync(conformancePath('gemini/generative-ai-js/streaming-success-utf8.txt'));
    const whole = decodeInPieces(bytes, bytes.length);
    expect(whole.length).toBeGreaterThan(0);
    for (const event of whole) expect(() => JSON.parse(event.data)).not.toThrow();
    expect(decodeInPieces(bytes, 1)).toEqual(whole);
  });
});
