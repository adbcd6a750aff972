/**
 * @module providers/openai/chunk-template
 * The content chunks of one OpenAI-shaped stream differ only in their text:
 * `{"id":"…","object":"chat.completion.chunk","created":…,"model":"…","choices":[{"index":0,"delta":{"content":"<text>"},…}]}`.
 * Once one such chunk has been checked in full (one JSON object, no usage, no error), the next
 * is the same object when it has the same text before and after its content string and that
 * string is plain JSON string text: two slice comparisons and a loop over the new text, instead
 * of the JSON-object scan and the usage/error searches over the whole chunk (~1.4 µs a chunk).
 *
 * What `matches` accepts is exactly what the full check would have passed on as a plain chunk:
 * the text may hold any character from U+0020 but a quote, and the escapes `\\ \/ \b \f \n \r \t
 * \uXXXX`; not `\"`, and not the words `error` or `usage`, which with the quotes around them
 * would read as `"error"`/`"usage"` to that check (see `mayCarryUsageOrError` in stream.ts).
 */
export class ChunkTemplate {
  private prefix = '';
  private suffix = '';

  /** Whether `data` is the learned chunk with another plain content text. */
  matches(data: string): boolean {
    const { prefix, suffix } = this;
    const end = data.length - suffix.length;
    if (prefix.length === 0 || end < prefix.length) return false;
    if (data.slice(0, prefix.length) !== prefix || data.slice(end) !== suffix) return false;
    for (let at = prefix.length; at < end; at++) {
      const code = data.charCodeAt(at);
      if (code === 0x5c) {
        const escaped = data.charCodeAt(at + 1);
        if (escaped === 0x75) {
          if (at + 6 > end || !/^[0-9a-fA-F]{4}$/.test(data.slice(at + 2, at + 6))) return false;
          at += 5;
        } else if (simpleEscapes.has(escaped) && at + 1 < end) {
          at++;
        } else {
          return false;
        }
      } else if (code < 0x20 || code === 0x22) {
        return false;
      }
    }
    if (end - prefix.length === 5) {
      const text = data.slice(prefix.length, end);
      if (text === 'error' || text === 'usage') return false;
    }
    return true;
  }

  /** Learns from a chunk the full check passed as one JSON object carrying no usage or error; a chunk without content text is skipped. */
  learn(data: string): void {
    const key = data.indexOf('"content":"');
    // In valid JSON a quote inside a string is escaped: this is a key, and its value a string.
    if (key === -1) return;
    const start = key + 11;
    let end = start;
    for (;;) {
      end = data.indexOf('"', end);
      if (end === -1) return;
      let backslashes = 0;
      while (data.charCodeAt(end - 1 - backslashes) === 0x5c) backslashes++;
      if (backslashes % 2 === 0) break;
      end++;
    }
    this.prefix = data.slice(0, start);
    this.suffix = data.slice(end);
  }
}

/** `\ / b f n r t` after a backslash (the quote is left to the full check, see above). */
const simpleEscapes = new Set([0x5c, 0x2f, 0x62, 0x66, 0x6e, 0x72, 0x74]);
