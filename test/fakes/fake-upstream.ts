/**
 * @module test/fakes/fake-upstream
 * A real HTTP server on a random port that stands in for a provider. It records every request it
 * receives (method, path, query, headers, parsed JSON body) so tests can assert exactly what the
 * gateway sent, and answers each request with the next scripted reply, or with a default handler.
 * Provider-specific fakes (`fake-openai.ts`, `fake-anthropic.ts`, `fake-gemini.ts`) build on it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  rawBody: string;
  body: any;
}

/** One scripted reply. `chunks` are written one by one with `chunkDelayMs` between them. */
export interface FakeReply {
  status?: number;
  headers?: Record<string, string>;
  /** A JSON body (serialised) or raw text. */
  json?: unknown;
  text?: string;
  /** Raw body pieces (strings or bytes) written in order, for streams and awkward splits. */
  chunks?: Array<string | Uint8Array>;
  chunkDelayMs?: number;
  /** Wait before sending headers (to provoke gateway timeouts). */
  delayMs?: number;
  /** Destroy the socket after writing the chunks (an upstream dying mid-stream). */
  destroyAfterChunks?: boolean;
  /** After the chunks, this piece written `times` times as fast as the reader takes it (an oversized answer, generated, never held whole). */
  repeat?: { piece: string | Uint8Array; times: number };
  /** After the chunks (and any repeat), send nothing more and never end: a stalled upstream. */
  stall?: boolean;
}

export type FakeHandler = (request: RecordedRequest) => FakeReply | Promise<FakeReply>;

export interface FakeUpstream {
  url: string;
  requests: RecordedRequest[];
  /** Queue replies for the next requests, in order; when the queue is empty the default handler answers. */
  enqueue(...replies: FakeReply[]): void;
  /** Resolves when a request's connection closes before the reply finished (client went away). */
  abortedRequests: number;
  reset(): void;
  close(): Promise<void>;
}

export async function startFakeUpstream(defaultHandler: FakeHandler): Promise<FakeUpstream> {
  const queue: FakeReply[] = [];
  const fake: FakeUpstream = {
    url: '',
    requests: [],
    abortedRequests: 0,
    enqueue: (...replies) => queue.push(...replies),
    reset: () => {
      fake.requests.length = 0;
      queue.length = 0;
      fake.abortedRequests = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };

  const server = createServer(async (incoming, outgoing) => {
    const recorded = await recordRequest(incoming);
    fake.requests.push(recorded);
    const reply = queue.shift() ?? (await defaultHandler(recorded));
    let finished = false;
    outgoing.on('close', () => {
      if (!finished) fake.abortedRequests++;
    });
    await sendReply(outgoing, reply);
    finished = true;
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}

async function recordRequest(incoming: IncomingMessage): Promise<RecordedRequest> {
  const pieces: Buffer[] = [];
  for await (const piece of incoming) pieces.push(piece as Buffer);
  const rawBody = Buffer.concat(pieces).toString('utf8');
  const url = new URL(incoming.url ?? '/', 'http://fake');
  let body: unknown;
  try {
    body = rawBody ? JSON.parse(rawBody) : undefined;
  } catch {
    body = undefined;
  }
  return { method: incoming.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: incoming.headers, rawBody, body };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits `ms`, or less if the client goes away first (a stalled reply must not outlive its test). */
function sleepUnlessClosed(outgoing: ServerResponse, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      outgoing.off('close', done);
      resolve();
    }
    outgoing.once('close', done);
  });
}

async function sendReply(outgoing: ServerResponse, reply: FakeReply): Promise<void> {
  if (reply.delayMs) await sleepUnlessClosed(outgoing, reply.delayMs);
  if (outgoing.destroyed) return;
  const headers: Record<string, string> = { ...reply.headers };
  if (reply.json !== undefined) headers['content-type'] ??= 'application/json';
  outgoing.writeHead(reply.status ?? 200, headers);
  if (reply.chunks || reply.repeat || reply.stall) {
    for (const chunk of reply.chunks ?? []) {
      if (outgoing.destroyed) return;
      outgoing.write(chunk);
      if (reply.chunkDelayMs) await sleep(reply.chunkDelayMs);
    }
    if (reply.repeat && !(await writeRepeated(outgoing, reply.repeat))) return;
    if (reply.stall) {
      // Held open until the client gives up and closes the connection.
      if (!outgoing.destroyed) await new Promise((resolve) => outgoing.once('close', resolve));
      return;
    }
    if (reply.destroyAfterChunks) {
      outgoing.socket?.destroy();
      return;
    }
    outgoing.end();
    return;
  }
  outgoing.end(reply.json !== undefined ? JSON.stringify(reply.json) : (reply.text ?? ''));
}

/** Writes `piece` `times` times, waiting for the socket to drain; false when the reader went away. */
async function writeRepeated(outgoing: ServerResponse, { piece, times }: { piece: string | Uint8Array; times: number }): Promise<boolean> {
  for (let written = 0; written < times; written++) {
    if (outgoing.destroyed) return false;
    if (!outgoing.write(piece)) {
      const drained = await new Promise<boolean>((resolve) => {
        const onDrain = () => finish(true);
        const onClose = () => finish(false);
        const finish = (value: boolean) => {
          outgoing.off('drain', onDrain);
          outgoing.off('close', onClose);
          resolve(value);
        };
        outgoing.once('drain', onDrain);
        outgoing.once('close', onClose);
      });
      if (!drained) return false;
    }
  }
  return true;
}

/** Frames objects as SSE `data:` events (optionally with `event:` names, as Anthropic sends). */
export function sseFrames(events: Array<{ event?: string; data: unknown }>): string[] {
  return events.map(({ event, data }) => {
    const payload = typeof data === 'string' ? data : JSON.stringify(data);
    return `${event ? `event: ${event}\n` : ''}data: ${payload}\n\n`;
  });
}
