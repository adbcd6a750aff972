/**
 * @module observability/logs/line-sink
 * Where access-log lines go: stdout, stderr or a file (appended). Lines are gathered and written
 * at most `flushDelayMs` after the first of them: on Linux a write to a pipe is synchronous, and
 * one `write` per call was a system call on the request path for every request. Once per turn of
 * the event loop was not enough: at a moderate rate (1,000 calls/s) each call has a turn of its
 * own, so each still paid a system call (and woke whoever reads the pipe); within 20 ms the lines
 * of many calls go in one write. A sink that cannot keep up drops
 * lines past `maxBufferedBytes` and says how many in the next line it writes. Writes stay under
 * the pipe's atomic size (4 KB), so the lines of `serve --workers N`, which share one stdout, never
 * interleave mid-line.
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';

export interface LineSink {
  write(line: string): void;
  close(): Promise<void>;
}

const maxBufferedBytes = 8 * 1024 * 1024;
/** How long a line may wait for the others of its write. */
const flushDelayMs = 20;
/** Buffered past this, the lines go at the next turn rather than wait for the timer. */
const promptFlushBytes = 64 * 1024;
/** POSIX PIPE_BUF on Linux: a write this size or smaller to a pipe is never split by another writer's. */
const atomicWriteBytes = 4096;

export function openLineSink(destination: string): LineSink {
  if (destination === 'stdout') return new BufferedSink(process.stdout, false);
  if (destination === 'stderr') return new BufferedSink(process.stderr, false);
  mkdirSync(dirname(destination), { recursive: true });
  return new BufferedSink(createWriteStream(destination, { flags: 'a' }), true);
}

export class BufferedSink implements LineSink {
  private lines: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private bufferedBytes = 0;
  private dropped = 0;

  constructor(
    private readonly stream: NodeJS.WritableStream | WriteStream,
    private readonly owned: boolean,
  ) {}

  write(line: string): void {
    if (this.bufferedBytes + line.length > maxBufferedBytes) {
      this.dropped++;
      return;
    }
    this.lines.push(line);
    this.bufferedBytes += line.length;
    if (this.bufferedBytes >= promptFlushBytes && !this.immediate) {
      this.immediate = setImmediate(() => this.flush());
    } else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), flushDelayMs);
    }
  }

  private flush(): void {
    clearTimeout(this.timer);
    clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
    if (this.lines.length === 0) return;
    if (this.dropped > 0) {
      this.lines.push(JSON.stringify({ time: new Date().toISOString(), level: 'warn', message: 'access log lines dropped', dropped: this.dropped }));
      this.dropped = 0;
    }
    const lines = this.lines;
    this.lines = [];
    this.bufferedBytes = 0;
    let piece = '';
    let pieceBytes = 0;
    for (const line of lines) {
      const bytes = Buffer.byteLength(line) + 1;
      if (pieceBytes > 0 && pieceBytes + bytes > atomicWriteBytes) {
        this.stream.write(piece);
        piece = '';
        pieceBytes = 0;
      }
      piece += `${line}\n`;
      pieceBytes += bytes;
    }
    if (piece.length > 0) this.stream.write(piece);
  }

  async close(): Promise<void> {
    this.flush();
    if (!this.owned) return;
    await new Promise<void>((resolve) => this.stream.end(() => resolve()));
  }
}
