/**
 * @module providers/shared/json-object-check
 * Is this text one JSON object? Asked of every event an OpenAI-shaped stream passes through, so
 * that a broken upstream (`data: {this is not json}`, an event cut short) never reaches a client
 * whose SDK would choke on it — without parsing what Tollgate only forwards. `JSON.parse` would
 * build every chunk's objects only to drop them; this scan builds nothing: strings, which are most
 * of a chunk, are crossed with a native `indexOf` from quote to quote, escapes are checked only
 * where a backslash is, and only the structure between strings is read a character at a time.
 *
 * It takes the compact JSON servers send. Anything it does not accept at once — whitespace between
 * tokens, control characters, nesting deeper than 30, or an actual mistake — is decided by
 * `JSON.parse`, so it can never refuse valid JSON: the worst a gap in the scan could do is let
 * invalid text through, which `json-object-check.test.ts` checks against `JSON.parse` at length.
 *
 * @example
 * isJsonObjectText('{"choices":[{"delta":{"content":"Hi"}}]}'); // true
 * isJsonObjectText('{this is not json}');                       // false
 */
const controlCharacter = /[\u0000-\u001f]/;
const maxFastDepth = 30;

const enum Expect {
  Value,
  Key,
  Separator,
}

export function isJsonObjectText(text: string): boolean {
  return scanCompactObject(text) || parsesAsObject(text);
}

function parsesAsObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value);
  } catch {
    return false;
  }
}

/** True when `text` is certainly one compact JSON object; false means "let JSON.parse decide". Exported for tests. */
export function scanCompactObject(text: string): boolean {
  if (text.charCodeAt(0) !== 0x7b || controlCharacter.test(text)) return false;
  const length = text.length;
  let backslash = text.indexOf('\\');
  let at = 0;
  let depth = 0;
  /** Bit d set: the container at depth d is an array. */
  let arrays = 0;
  let expect = Expect.Value;
  for (;;) {
    const code = text.charCodeAt(at);
    if (code === 0x22 && expect !== Expect.Separator) {
      const end = stringEnd(text, at, backslash);
      if (end < 0) return false;
      at = end;
      if (backslash !== -1 && backslash < at) backslash = text.indexOf('\\', at);
      if (expect === Expect.Key) {
        if (text.charCodeAt(at) !== 0x3a) return false;
        at++;
        expect = Expect.Value;
      } else {
        expect = Expect.Separator;
      }
      continue;
    }
    if (expect === Expect.Value) {
      if (code === 0x7b || code === 0x5b) {
        if (depth === maxFastDepth) return false;
        arrays = code === 0x5b ? arrays | (1 << depth) : arrays & ~(1 << depth);
        depth++;
        at++;
        // `{` + 2 is `}`, `[` + 2 is `]`: an empty container.
        if (text.charCodeAt(at) === code + 2) {
          depth--;
          at++;
          expect = Expect.Separator;
        } else {
          expect = code === 0x7b ? Expect.Key : Expect.Value;
        }
        continue;
      }
      const end = literalEnd(text, at, code);
      if (end < 0) return false;
      at = end;
      expect = Expect.Separator;
      continue;
    }
    if (expect === Expect.Key) return false;
    if (depth === 0) return at === length;
    const inArray = (arrays >> (depth - 1)) & 1;
    if (code === 0x2c) {
      at++;
      expect = inArray ? Expect.Value : Expect.Key;
    } else if (code === (inArray ? 0x5d : 0x7d)) {
      depth--;
      at++;
    } else {
      return false;
    }
  }
}

/** Just past the string opening at `start`, or -1; `backslash` is the first backslash at or after it (-1: none). */
function stringEnd(text: string, start: number, backslash: number): number {
  let from = start + 1;
  for (;;) {
    const quote = text.indexOf('"', from);
    if (quote === -1) return -1;
    if (backslash !== -1 && backslash < from) backslash = text.indexOf('\\', from);
    if (backslash === -1 || backslash > quote) return quote + 1;
    const escaped = text.charCodeAt(backslash + 1);
    if (escaped === 0x75) {
      for (let digit = backslash + 2; digit < backslash + 6; digit++) if (!isHexDigit(text.charCodeAt(digit))) return -1;
      from = backslash + 6;
    } else if (simpleEscapes.has(escaped)) {
      from = backslash + 2;
    } else {
      return -1;
    }
  }
}

/** `" \ / b f n r t` after a backslash. */
const simpleEscapes = new Set([0x22, 0x5c, 0x2f, 0x62, 0x66, 0x6e, 0x72, 0x74]);

function isHexDigit(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x46) || (code >= 0x61 && code <= 0x66);
}

/** Just past the `true`, `false`, `null` or number starting at `at`, or -1. */
function literalEnd(text: string, at: number, code: number): number {
  if (code === 0x74) return text.startsWith('true', at) ? at + 4 : -1;
  if (code === 0x66) return text.startsWith('false', at) ? at + 5 : -1;
  if (code === 0x6e) return text.startsWith('null', at) ? at + 4 : -1;
  let end = at;
  if (code === 0x2d) end++;
  const first = text.charCodeAt(end);
  if (first === 0x30) end++;
  else if (first >= 0x31 && first <= 0x39) end = digitsEnd(text, end + 1);
  else return -1;
  if (text.charCodeAt(end) === 0x2e) {
    const fraction = end + 1;
    end = digitsEnd(text, fraction);
    if (end === fraction) return -1;
  }
  const exponent = text.charCodeAt(end);
  if (exponent === 0x65 || exponent === 0x45) {
    end++;
    const sign = text.charCodeAt(end);
    if (sign === 0x2b || sign === 0x2d) end++;
    const digits = end;
    end = digitsEnd(text, digits);
    if (end === digits) return -1;
  }
  return end;
}

function digitsEnd(text: string, start: number): number {
  let end = start;
  for (;;) {
    const code = text.charCodeAt(end);
    // Past the end `charCodeAt` is NaN, which no comparison holds for: test for a digit, never for a non-digit.
    if (!(code >= 0x30 && code <= 0x39)) return end;
    end++;
  }
}
