/**
 * bench/thin-proxy.ts — the floor every ratio in docs/benchmarks.md is taken against: the
 * thinnest correct Node proxy.
 *
 * `node:http` server; the request body read into one Buffer; sent with an undici `Pool`
 * (keep-alive, one origin); the status and `content-type` written back and the body chunks
 * written as they arrive. No header copying beyond the upstream's credentials (passed through as
 * the client sent them), no parsing, no auth, no metering: what Tollgate does on top of this is
 * what the ratio prices.
 *
 * Run: npx tsx bench/thin-proxy.ts --upstream http://127.0.0.1:PORT [--port 0] (the bench runs a
 * type-stripped copy under plain node: see bench/lib/transpile.ts). Prints one JSON line on stdout
 * once listening: {"message":"thin proxy listening","url":...}
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';

const { values } = parseArgs({
  options: { upstream: { type: 'string' }, port: { type: 'string', default: '0' }, host: { type: 'string', default: '127.0.0.1' } },
});
if (!values.upstream) throw new Error('--upstream URL is required');
const pool = new Pool(new URL(values.upstream).origin, { connections: 256, keepAliveTimeout: 60_000, keepAliveMaxTimeout: 600_000 });

function forward(incoming: IncomingMessage, outgoing: ServerResponse, body: Buffer): void {
  const headers: Record<string, string> = { 'content-type': incoming.headers['content-type'] ?? 'application/json' };
  // The upstream checks a key (OpenAI or Anthropic style): the client's own, as sent.
  if (incoming.headers.authorization) headers.authorization = incoming.headers.authorization;
  if (incoming.headers['x-api-key']) headers['x-api-key'] = incoming.headers['x-api-key'] as string;
  pool
    .request({ path: incoming.url ?? '/', method: incoming.method as 'POST', headers, body })
    .then((upstream) => {
      outgoing.writeHead(upstream.statusCode, { 'content-type': (upstream.headers['content-type'] as string | undefined) ?? 'application/octet-stream' });
      upstream.body.on('data', (chunk: Buffer) => outgoing.write(chunk));
      upstream.body.on('end', () => outgoing.end());
      upstream.body.on('error', () => outgoing.destroy());
    })
    .catch((error: Error) => {
      if (!outgoing.headersSent) outgoing.writeHead(502, { 'content-type': 'application/json' });
      outgoing.end(JSON.stringify({ error: { message: error.message, type: 'proxy_error' } }));
    });
}

const server = createServer({ keepAliveTimeout: 120_000, requestTimeout: 0 }, (incoming, outgoing) => {
  const parts: Buffer[] = [];
  incoming.on('data', (part: Buffer) => parts.push(part));
  incoming.on('end', () => forward(incoming, outgoing, parts.length === 1 ? parts[0] : Buffer.concat(parts)));
});
server.headersTimeout = 130_000;
server.listen(Number(values.port), values.host, () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ message: 'thin proxy listening', url: `http://${values.host}:${port}`, pid: process.pid })}\n`);
});
const stop = () => server.close(() => process.exit(0)).closeAllConnections();
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
