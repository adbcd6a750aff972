/**
 * End to end through the real server: a client that leaves while its non-streamed call is still
 * waiting for the upstream aborts the upstream request (the signal of server/client-signal.ts, not
 * the adapter's), and the call is billed 499 `client_closed_request` in the ledger — on the
 * OpenAI route and on a route of another protocol (Anthropic Messages in).
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ledgerRows } from '../helpers/ledger.js';
import { startTestGateway, testKey, type TestGateway } from '../helpers/start-gateway.js';

/** An OpenAI-compatible upstream that never answers: it counts the requests it got and those the gateway gave up. */
interface SilentUpstream {
  url: string;
  received: number;
  abandoned: number;
  close(): Promise<void>;
}

async function startSilentUpstream(): Promise<SilentUpstream> {
  const held = new Set<IncomingMessage>();
  const upstream: SilentUpstream = { url: '', received: 0, abandoned: 0, close: () => closeServer(server, held) };
  const server: Server = createServer((incoming, outgoing) => {
    upstream.received += 1;
    held.add(incoming);
    incoming.resume();
    outgoing.once('close', () => {
      held.delete(incoming);
      if (!outgoing.writableFinished) upstream.abandoned += 1;
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  upstream.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  return upstream;
}

function closeServer(server: Server, held: Set<IncomingMessage>): Promise<void> {
  for (const incoming of held) incoming.socket.destroy();
  return new Promise((resolve) => server.close(() => resolve()));
}

let upstream: SilentUpstream;
let gateway: TestGateway;

beforeAll(async () => {
  upstream = await startSilentUpstream();
  gateway = await startTestGateway({
    providers: { silent: { type: 'openai-compatible', baseURL: upstream.url, apiKey: 'sk-silent-0123456789' } },
    models: { slow: { provider: 'silent', model: 'slow-model' } },
  });
});
afterAll(async () => {
  await gateway?.close();
  await upstream?.close();
});
beforeEach(() => {
  upstream.received = 0;
  upstream.abandoned = 0;
});

/** Sends a request on its own socket and destroys it once the upstream has the call. */
async function leaveWhileWaiting(path: string, body: unknown, headers: Record<string, string>): Promise<void> {
  const outgoing = httpRequest(`${gateway.baseURL.replace(/\/v1$/, '')}${path}`, { method: 'POST', agent: false, headers: { 'content-type': 'application/json', ...headers } });
  outgoing.on('error', () => undefined);
  outgoing.end(JSON.stringify(body));
  await expect.poll(() => upstream.received, { timeout: 5_000 }).toBe(1);
  outgoing.destroy();
}

describe('a client that leaves before the upstream answered', () => {
  it('aborts the upstream request of a chat completion and bills it 499', async () => {
    await leaveWhileWaiting('/v1/chat/completions', { model: 'slow', messages: [{ role: 'user', content: 'hello' }] }, { authorization: `Bearer ${testKey}` });
    await expect.poll(() => upstream.abandoned, { timeout: 5_000 }).toBe(1);
    await expect
      .poll(async () => (await ledgerRows(gateway.url, 'model=slow')).map((row) => `${row.status} ${row.error_code} ${row.protocol ?? ''}`.trim()), { timeout: 5_000 })
      .toContain('499 client_closed_request openai');
  });

  it('aborts the upstream request of an Anthropic Messages call the same way', async () => {
    await leaveWhileWaiting('/v1/messages', { model: 'slow', max_tokens: 16, messages: [{ role: 'user', content: 'hello' }] }, { 'x-api-key': testKey, 'anthropic-version': '2023-06-01' });
    await expect.poll(() => upstream.abandoned, { timeout: 5_000 }).toBe(1);
    await expect
      .poll(async () => (await ledgerRows(gateway.url, 'model=slow')).map((row) => `${row.status} ${row.error_code} ${row.protocol ?? ''}`.trim()), { timeout: 5_000 })
      .toContain('499 client_closed_request anthropic');
  });
});
