/**
 * @module providers/shared/sse-decoder
 * An incremental Server-Sent Events parser (WHATWG HTML §9.2.6): bytes in, `{event, data}` out.
 * Bytes may be split anywhere — inside a line, inside a CRLF pair, inside a multi-byte UTF-8
 * character — and lines may end in LF, CR or CRLF. Comment lines (`:`) are dropped; several
 * `data:` lines of one event are joined with `\n`.
 *
 * With `limits`, it is also where an upstream stream is bounded: it sees every byte, and the only
 * thing it holds is the event being assembled, so capping that caps a stream's memory (an
 * upstream that never sends a line break would otherwise grow the buffer without end).
 */
import { Utf8Chunks } from './utf8-chunks.js';

export interface SseEvent {
  event: string | undefined;
  data: string;
}

export interface SseLimits {
  /** Bytes the whole stream may carry. */
  maxBytes: number;
  /** Characters one event may hold while it is assembled (its data lines and the unfinished line). */
  maxEventChars: number;
  /** The error to throw when a limit is passed. */
  tooLarge(what: 'stream' | 'event', limit: number): Error;
}

export class SseDecoder {
  private readonly utf8 = new Utf8Chunks();
  private buffer = '';
  private eventName: string | undefined;
  private dataLines: string[] = [];
  /** Characters in `dataLines`, kept as they are added so the limit check costs nothing. */
  private dataChars = 0;
  private receivedBytes = 0;
  /** A chunk ended in CR: if the next starts with LF, that LF belongs to the same line ending. */
  private pendingCarriageReturn = false;

  constructor(private readonly limits?: SseLimits) {}

  push(bytes: Uint8Array): SseEvent[] {
    const events = this.consume(this.decode(bytes));
    this.checkEventSize();
    return events;
  }

  /**
   * `push` for a reader that needs only each event's `data` (an OpenAI-shaped stream, whose events
   * carry no names): the same events, read faster where the text is framed the way OpenAI and
   * compatible servers write it, `data: …` and a blank line, LF endings, nothing left over from
   * the previous push. One slice per event, no per-line work or event objects; anything else
   * (comments, other fields, CR, several data lines, an event cut off) goes the general way.
   */
  pushData(bytes: Uint8Array): string[] {
    const text = this.decode(bytes);
    const data: string[] = [];
    let at = 0;
    if (this.buffer === '' && this.dataLines.length === 0 && this.eventName === undefined && !this.pendingCarriageReturn && text.indexOf('\r') === -1) {
      for (;;) {
        if (!text.startsWith('data: ', at)) break;
        const lineFeed = text.indexOf('\n', at + 6);
        if (lineFeed === -1 || text.charCodeAt(lineFeed + 1) !== 10) break;
        data.push(text.slice(at + 6, lineFeed));
        at = lineFeed + 2;
      }
    }
    if (at < text.length) for (const event of this.consume(at === 0 ? text : text.slice(at))) data.push(event.data);
    this.checkEventSize();
    return data;
  }

  private decode(bytes: Uint8Array): string {
    this.receivedBytes += bytes.byteLength;
    const limits = this.limits;
    if (limits !== undefined && this.receivedBytes > limits.maxBytes) throw limits.tooLarge('stream', limits.maxBytes);
    return this.utf8.decode(bytes);
  }

  private checkEventSize(): void {
    const limits = this.limits;
    if (limits !== undefined && this.buffer.length + this.dataChars > limits.maxEventChars) throw limits.tooLarge('event', limits.maxEventChars);
  }

  /** Bytes pushed so far. */
  get bytesReceived(): number {
    return this.receivedBytes;
  }

  /** Call once the body ends: flushes a final event that had no blank line after it. */
  end(): SseEvent[] {
    const events = this.consume(this.utf8.end() + '\n\n');
    this.buffer = '';
    return events;
  }

  private consume(text: string): SseEvent[] {
    if (this.pendingCarriageReturn && text.startsWith('\n')) text = text.slice(1);
    this.pendingCarriageReturn = false;
    this.buffer += text;
    const events: SseEvent[] = [];
    let start = 0;
    // The next CR at or after `start`, searched once and reused, so a CR-free buffer is scanned
    // once rather than once per line.
    let carriageReturn = this.buffer.indexOf('\r');
    for (;;) {
      if (carriageReturn !== -1 && carriageReturn < start) carriageReturn = this.buffer.indexOf('\r', start);
      const lineFeed = this.buffer.indexOf('\n', start);
      const end = carriageReturn === -1 ? lineFeed : lineFeed === -1 ? carriageReturn : Math.min(lineFeed, carriageReturn);
      if (end === -1) break;
      const line = this.buffer.slice(start, end);
      let next = end + 1;
      if (this.buffer.charCodeAt(end) === 13) {
        if (end + 1 === this.buffer.length) this.pendingCarriageReturn = true;
        else if (this.buffer.charCodeAt(end + 1) === 10) next = end + 2;
      }
      start = next;
      const event = this.processLine(line);
      if (event) events.push(event);
    }
    this.buffer = this.buffer.slice(start);
    return events;
  }

  private processLine(line: string): SseEvent | undefined {
    if (line === '') {
      if (this.dataLines.length === 0) {
        this.eventName = undefined;
        return undefined;
      }
      const event = { event: this.eventName, data: this.dataLines.length === 1 ? this.dataLines[0]! : this.dataLines.join('\n') };
      this.eventName = undefined;
      this.dataLines = [];
      this.dataChars = 0;
      return event;
    }
    if (line.charCodeAt(0) === 58 /* ':' comment */) return undefined;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (field === 'data') {
      this.dataLines.push(value);
      this.dataChars += value.length + 1;
    }
    else if (field === 'event') this.eventName = value;
    return undefined;
  }
}

/** Reads a byte stream as SSE events, as they arrive. */
export async function* readSseEvents(body: AsyncIterable<Uint8Array>, decoder = new SseDecoder()): AsyncGenerator<SseEvent> {
  for await (const bytes of body) yield* decoder.push(bytes);
  yield* decoder.end();
}
