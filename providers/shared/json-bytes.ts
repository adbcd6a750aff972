/**
 * @module providers/shared/json-bytes
 * The primitives of scanning JSON as UTF-8 bytes without parsing it, shared by the splice that
 * edits a body's top level (`json-splice.ts`) and the check of a body's structure
 * (`json-structure.ts`). Every byte of a multi-byte UTF-8 character is 0x80 or above, so the
 * structural characters are found exactly as in the text. The bytes must be JSON that
 * `JSON.parse` already accepted: these functions only find where things are.
 */

export const quote = 0x22;
export const backslash = 0x5c;
export const openBrace = 0x7b;
export const closeBrace = 0x7d;
export const openBracket = 0x5b;
export const closeBracket = 0x5d;
export const colon = 0x3a;
export const comma = 0x2c;

export function skipWhitespace(bytes: Uint8Array, index: number): number {
  let at = index;
  for (;;) {
    const code = bytes[at];
    if (code !== 0x20 && code !== 0x0a && code !== 0x0d && code !== 0x09) return at;
    at++;
  }
}

/** Short strings (keys, roles, ids) are scanned here; a native `indexOf` costs more than that to call. */
const inlineScanLength = 64;

/**
 * The index just past the string starting at `start` (a quote): a plain loop over the first
 * bytes, then a native `indexOf` from quote to quote, so a 100 KB prompt costs one call.
 */
export function stringEnd(bytes: Buffer, start: number): number {
  const inlineEnd = Math.min(bytes.length, start + 1 + inlineScanLength);
  for (let index = start + 1; index < inlineEnd; index++) {
    const code = bytes[index];
    if (code === backslash) index++;
    else if (code === quote) return index + 1;
  }
  // From here, a quote is escaped when an odd number of backslashes precede it, wherever the scan resumed.
  let at = inlineEnd;
  for (;;) {
    const next = bytes.indexOf(quote, at);
    if (next === -1) return bytes.length;
    // The quote is escaped when an odd number of backslashes precede it.
    let backslashes = 0;
    while (bytes[next - 1 - backslashes] === backslash) backslashes++;
    if (backslashes % 2 === 0) return next + 1;
    at = next + 1;
  }
}

/** The string between `start` (a quote) and `end` (just past its closing quote), escapes decoded. */
export function decodeString(bytes: Buffer, start: number, end: number): string {
  const text = bytes.toString('utf8', start, end);
  return text.includes('\\') ? (JSON.parse(text) as string) : text.slice(1, -1);
}

