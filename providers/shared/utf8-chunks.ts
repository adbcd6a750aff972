/**
 * @module providers/shared/utf8-chunks
 * Text from a byte stream cut anywhere, the same text `TextDecoder.decode(bytes, { stream: true })`
 * gives, several times faster: Node decodes a `stream: true` call (and every later call of that
 * decoder) through ICU, ~12 µs for a 10 KB read, where a whole-buffer decode takes its fast
 * UTF-8 path, ~2 µs. So the bytes of a character cut off at the end of a chunk (at most three)
 * are held back and put in front of the next chunk, and each decode is a whole one.
 *
 * Holding bytes back never changes the text, only when its last character appears: the held
 * bytes are never a line break, so an SSE line they belong to was not complete anyway.
 * Like `TextDecoder`, a byte order mark is dropped only at the very start of the stream.
 */
/** Shared by every stream: a decode that is never in stream mode keeps no state between calls. */
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

export class Utf8Chunks {
  /** The start of a character the previous chunk ended in the middle of. */
  private held: Uint8Array | undefined;
  private atStart = true;

  decode(bytes: Uint8Array): string {
    let input = bytes;
    if (this.held !== undefined) {
      input = new Uint8Array(this.held.length + bytes.length);
      input.set(this.held);
      input.set(bytes, this.held.length);
      this.held = undefined;
    }
    const cut = incompleteTail(input);
    if (cut > 0) {
      this.held = input.slice(input.length - cut);
      input = input.subarray(0, input.length - cut);
    }
    return this.text(decoder.decode(input));
  }

  /** The stream ended: what was held back, decoded as it is (an incomplete character becomes U+FFFD). */
  end(): string {
    const held = this.held;
    this.held = undefined;
    return held === undefined ? '' : this.text(decoder.decode(held));
  }

  private text(text: string): string {
    if (!this.atStart || text.length === 0) return text;
    this.atStart = false;
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  }
}

/** How many bytes at the end of `bytes` begin a character that needs more bytes than are there (0–3). */
export function incompleteTail(bytes: Uint8Array): number {
  const length = bytes.length;
  if (length === 0 || bytes[length - 1] < 0x80) return 0;
  for (let at = length - 1; at >= 0 && at >= length - 3; at--) {
    const byte = bytes[at];
    if (byte < 0x80) return 0;
    if (byte >= 0xc0) {
      const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
      return length - at < needed ? length - at : 0;
    }
    // A continuation byte: the character began further back.
  }
  return 0;
}
