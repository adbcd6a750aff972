/**
 * bench/plain-proxy.ts — the runtime's floor: a Node HTTP proxy with no features at all.
 *
 * `node:http` server in front, undici `request` on a keep-alive Agent behind; the request body is
 * piped up and the response body piped back as it arrives (no parsing, no auth, no metering). What
 * Tollgate does on top of this is what the benchmark's "vs plain proxy" ratio prices.
 *
 * Run: npx tsx bench/plain-proxy.ts --upstream http://127.0.0.1:PORT [--port 0] (the bench runs a
 * type-stripped copy under plain node: see bench/lib/transpile.ts). Prints one JSON line on stdout
 * once listening: {"message":"plain proxy listening","url":...}
 */
import { createServer, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream';
import { parseArgs } from 'node:util';
import { Agent, request } from 'undici';

const { values } = parseArgs({
  options: { upstream: { type: 'string' }, port: { type: 'string', default: '0' }, host: { type: 'string', default: '127.0.0.1' } },
});
if (!values.upstream) throw new Error('--upstream URL is required');
const origin = new URL(values.upstream).origin;
const agent = new Agent({ connections: 256, keepAliveTimeout: 60_000, keepAliveMaxTimeout: 600_000 });

const hopByHop = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'host']);

function forwardable(headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined && !hopByHop.has(name)) out[name] = value;
  return out;
}

const server = createServer({ keepAliveTimeout: 120_000, requestTimeout: 0 }, (incoming, outgoing) => {
  const hasBody = incoming.method !== 'GET' && incoming.method !== 'HEAD';
  request(origin + (incoming.url ?? '/'), {
    method: incoming.method as 'GET',
    headers: forwardable(incoming.headers) as Record<string, string>,
    body: hasBody ? incoming : undefined,
    dispatcher: agent,
  }).then(
    (upstream) => {
      outgoing.writeHead(upstream.statusCode, forwardable(upstream.headers));
      pipeline(upstream.body, outgoing, () => {});
    },
    (error: Error) => {
      if (!outgoing.headersSent) outgoing.writeHead(502, { 'content-type': 'application/json' });
      outgoing.end(JSON.stringify({ error: { message: error.message, type: 'proxy_error' } }));
    },
  );
});
server.headersTimeout = 130_000;
server.listen(Number(values.port), values.host, () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ message: 'plain proxy listening', url: `http://${values.host}:${port}`, pid: process.pid })}\n`);
});
const stop = () => server.close(() => process.exit(0)).closeAllConnections();
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
