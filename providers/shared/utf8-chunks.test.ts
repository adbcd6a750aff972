import { describe, expect, it } from 'vitest';
import { Utf8Chunks } from './utf8-chunks.js';

/** What `TextDecoder` in stream mode gives for the same pieces: the reference. */
function streamed(pieces: Uint8Array[]): string {
  const decoder = new TextDecoder('utf-8');
  return pieces.map((piece) => decoder.decode(piece, { stream: true })).join('') + decoder.decode();
}

function chunked(pieces: Uint8Array[]): string {
  const chunks = new Utf8Chunks();
  return pieces.map((piece) => chunks.decode(piece)).join('') + chunks.end();
}

function split(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const pieces: Uint8Array[] = [];
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    pieces.push(bytes.subarray(from, Math.max(from, cut)));
    from = Math.max(from, cut);
  }
  return pieces;
}

const samples: Uint8Array[] = [
  new TextEncoder().encode('data: {"c":"Grüße 👋 日本語 €"}\n\n'),
  Uint8Array.from([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('data: a\n\n'), 0xef, 0xbb, 0xbf, 0x62]),
  // Invalid: a lone continuation byte, a cut-off sequence before ASCII, an overlong start, bytes past U+10FFFF, a cut-off sequence at the very end.
  Uint8Array.from([0x61, 0x80, 0x62, 0xe2, 0x82, 0x63, 0xe0, 0x80, 0x64, 0xf4, 0x90, 0x80, 0x80, 0xf8, 0x65, 0xf0, 0x9f, 0x91]),
];

describe('Utf8Chunks', () => {
  it('gives what TextDecoder gives in stream mode, wherever the bytes are cut', () => {
    for (const bytes of samples) {
      for (let first = 0; first <= bytes.length; first++) {
        for (let second = first; second <= bytes.length; second++) {
          const pieces = split(bytes, [first, second]);
          expect(chunked(pieces), `cut at ${first} and ${second}`).toBe(streamed(pieces));
        }
      }
      const single = Array.from(bytes, (byte) => Uint8Array.of(byte));
      expect(chunked(single)).toBe(streamed(single));
    }
  });

  it('agrees on random bytes cut at random', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let round = 0; round < 300; round++) {
      const bytes = Uint8Array.from({ length: 1 + Math.floor(random() * 40) }, () => (random() < 0.5 ? 0x61 : Math.floor(random() * 256)));
      const cuts = Array.from({ length: Math.floor(random() * 5) }, () => Math.floor(random() * bytes.length)).sort((a, b) => a - b);
      const pieces = split(bytes, cuts);
      expect(chunked(pieces)).toBe(streamed(pieces));
    }
  });
});
