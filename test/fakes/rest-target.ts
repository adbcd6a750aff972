/**
 * @module test/fakes/rest-target
 * A real local HTTP service to put behind Tollgate: it records every request it receives and
 * answers a few routes — `/health`, `/echo/*` (what arrived: method, path, headers, body size),
 * `/upload` (counts a streamed body), `/download?bytes=` (streams that many bytes), `/sse`
 * (events with pauses), `/status/{code}`, `/slow?ms=`, `/hang` (headers never come). `failing`
 * makes every route answer 503; `close()` kills it (and its open connections) for drills.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
}

export interface RestTarget {
  url: string;
  received: ReceivedRequest[];
  /** Requests other than health probes. */
  calls(): ReceivedRequest[];
  failing: boolean;
  /** Added to every answer but health probes. */
  delayMs: number;
  /** Requests whose client went away before the answer ended. */
  aborted: number;
  close(): Promise<void>;
}

export async function startRestTarget(name = 'target'): Promise<RestTarget> {
  const state: Omit<RestTarget, 'url' | 'close' | 'calls'> = { received: [], failing: false, delayMs: 0, aborted: 0 };
  const server: Server = createServer((request, response) => {
    state.received.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers });
    response.on('close', () => {
      if (!response.writableFinished) state.aborted++;
    });
    void handle(name, state, request, response);
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    calls: () => state.received.filter((request) => request.url !== '/health'),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

async function handle(name: string, state: Omit<RestTarget, 'url' | 'close' | 'calls'>, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://target');
  if (url.pathname === '/health') return void response.end(state.failing ? undefined : 'ok');
  if (state.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, state.delayMs));
  if (state.failing) {
    response.writeHead(503, { 'content-type': 'application/json' });
    return void response.end(JSON.stringify({ error: `${name} is failing` }));
  }
  if (url.pathname === '/upload') {
    let bytes = 0;
    for await (const chunk of request) bytes += (chunk as Buffer).byteLength;
    response.writeHead(200, { 'content-type': 'application/json' });
    return void response.end(JSON.stringify({ bytes }));
  }
  if (url.pathname === '/download') {
    const total = Number(url.searchParams.get('bytes') ?? '0');
    const chunk = Buffer.alloc(64 * 1024, 120);
    response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(total) });
    let sent = 0;
    while (sent < total) {
      const piece = chunk.subarray(0, Math.min(chunk.length, total - sent));
      sent += piece.length;
      if (!response.write(piece)) await new Promise((resolve) => response.once('drain', resolve));
      if (response.destroyed) return;
    }
    return void response.end();
  }
  if (url.pathname === '/sse') {
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    for (let index = 0; index < 3; index++) {
      response.write(`data: ${index}\n\n`);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    return void response.end();
  }
  if (url.pathname.startsWith('/status/')) {
    const status = Number(url.pathname.slice(8));
    response.writeHead(status, { 'content-type': 'application/json', ...(status === 429 ? { 'retry-after': '0' } : {}) });
    return void response.end(JSON.stringify({ status, from: name }));
  }
  if (url.pathname === '/slow') {
    await new Promise((resolve) => setTimeout(resolve, Number(url.searchParams.get('ms') ?? '100')));
  }
  if (url.pathname === '/hang') return; // never answers
  let bodyBytes = 0;
  for await (const chunk of request) bodyBytes += (chunk as Buffer).byteLength;
  response.writeHead(200, { 'content-type': 'application/json', 'x-served-by': name, connection: 'keep-alive, x-hop', 'x-hop': 'dropped' });
  response.end(JSON.stringify({ from: name, method: request.method, url: request.url, headers: request.headers, bodyBytes }));
}
