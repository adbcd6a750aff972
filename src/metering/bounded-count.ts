/**
 * @module metering/bounded-count
 * How Tollgate counts tokens with tiktoken without ever taking long, as JavaScript source: the
 * counter thread evaluates it (a worker cannot load TypeScript, see `token-counter-thread.ts`) and
 * `count-tokens.ts` builds the very same function in process, so the two always agree.
 *
 * tiktoken's byte-pair merge is quadratic in the length of one pre-token piece, and a run of
 * letters is one piece: 40 KB of `a` took a second, 150 KB twenty, 1.2 MB made it fail. So:
 * - every run of more than `runLength` (128) non-space characters gets a space after each 128
 *   (at most one token more per 128 characters of such runs, where a real tokenizer would also
 *   spend at least one token per few characters);
 * - a run of whitespace is one piece too (300 KB of spaces kept the thread busy past its hard
 *   timeout): every run of more than 128 whitespace characters gets a `.` after each 128 (again
 *   at most one token more per 128 characters);
 * - the text is encoded in windows of about 64 K characters, cut just before whitespace, so that
 *   the deadline can be checked between windows;
 * - past the deadline, the rest counts one token per UTF-8 byte: a true upper bound for every
 *   byte-level BPE, never an undercount.
 */
export const boundedCountSource = String.raw`function countBounded(encoder, text, deadline) {
  var runLength = 128;
  var windowLength = 65536;
  var longRun = new RegExp('\\S{' + runLength + '}(?=\\S)', 'gu');
  var longSpace = new RegExp('\\s{' + runLength + '}(?=\\s)', 'gu');
  var total = 0;
  var start = 0;
  while (start < text.length) {
    if (Date.now() > deadline) return total + Buffer.byteLength(text.slice(start), 'utf8');
    var end = Math.min(text.length, start + windowLength);
    if (end < text.length) {
      var cut = end;
      var floor = Math.max(start + 1, end - 1024);
      while (cut > floor && !/\s/.test(text[cut - 1])) cut--;
      if (cut > floor) end = cut - 1;
      // Never between the two halves of a surrogate pair.
      var code = text.charCodeAt(end - 1);
      if (code >= 0xd800 && code <= 0xdbff && end - 1 > start) end--;
    }
    total += encoder.encode_ordinary(text.slice(start, end).replace(longRun, '$& ').replace(longSpace, '$&.')).length;
    start = end;
  }
  return total;
}`;
