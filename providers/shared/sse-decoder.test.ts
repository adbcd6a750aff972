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

describe('SseDecoder.pushData', () => {
  const texts = [
    'data: {"a":1}\n\ndata: {"b":2}\n\ndata: [DONE]\n\n',
    'data: {"a":1}\n\n: comment\n\nevent: x\ndata: {"b":2}\n\ndata:{"c":3}\n\n',
    'data: one\ndata: two\n\ndata: {"a":1}\r\n\r\ndata: three\n\n',
    'data: \n\ndata: {"a":"é 👋"}\n\nid: 7\ndata: x\n\nretry: 1\n\ndata: last',
  ];

  it('gives the data of the events push gives, however the bytes are split', () => {
    for (const text of texts) {
      const bytes = encode(text);
      const expected = decodeInPieces(bytes, bytes.length).map((event) => event.data);
      for (const size of [1, 2, 3, 6, 7, 13, 1000]) {
        const decoder = new SseDecoder();
        const data: string[] = [];
        for (let offset = 0; offset < bytes.length; offset += size) data.push(...decoder.pushData(bytes.subarray(offset, offset + size)));
        data.push(...decoder.end().map((event) => event.data));
        expect(data, `${JSON.stringify(text)} in pieces of ${size}`).toEqual(expected);
      }
    }
  });

  it('keeps the limit on an event that is still arriving', () => {
    const decoder = new SseDecoder({ maxBytes: 1000, maxEventChars: 8, tooLarge: (what) => new Error(`too large: ${what}`) });
    expect(decoder.pushData(encode('data: {"a":1}\n\n'))).toEqual(['{"a":1}']);
    expect(() => decoder.pushData(encode('data: {"b":22222'))).toThrow('too large: event');
  });
});
