/**
 * REST services and the response cache and Idempotency-Key, through the real server to a real
 * local HTTP service: GET answers the service marks cacheable are served again from the cache
 * (a ledger row with `cache_hit`, no upstream request), `If-None-Match` on a kept ETag is a 304,
 * `private` answers are never kept, and a POST with an Idempotency-Key reaches the service once.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { ledgerRowFor } from '../helpers/ledger.js';
import { startTestGateway, testKey, type TestGateway } from '../helpers/start-gateway.js';

let server: Server;
let gateway: TestGateway;
const received: string[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    received.push(`${request.method} ${request.url}`);
    request.resume();
    request.on('end', () => {
      const count = received.length;
      if (request.url === '/items') response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=60', etag: '"v1"' });
      else if (request.url === '/mine') response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'private, max-age=60' });
      else response.writeHead(201, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ count }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  gateway = await startTestGateway({
    providers: { demo: { type: 'mock' } },
    services: { catalog: { mount: '/catalog', targets: [{ url }], stripPrefix: true, cache: true } },
    storage: { sqlite: ':memory:', ledgerFlushMs: 10 },
  });
});
afterAll(async () => {
  await gateway?.close();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

const call = (path: string, init: RequestInit = {}) =>
  fetch(`${gateway.url}/catalog${path}`, { ...init, headers: { authorization: `Bearer ${testKey}`, ...(init.headers as Record<string, string>) } });

describe('REST services', () => {
  it('serve a cacheable GET answer again from the cache, as a call with cache_hit and no upstream request', async () => {
    const first = await call('/items');
    const firstBody = await first.text();
    await expect.poll(async () => (await call('/items')).headers.get('x-tollgate-cache')).toBe('hit');
    const before = received.length;
    const hit = await call('/items');
    expect(hit.headers.get('x-tollgate-cache')).toBe('hit');
    expect(await hit.text()).toBe(firstBody);
    expect(hit.headers.get('etag')).toBe('"v1"');
    expect(hit.headers.get('age')).toMatch(/^\d+$/);
    // The kept copy carries the service's headers, not the first call's own: a hit made no attempt.
    expect(first.headers.get('x-tollgate-attempts')).toBe('1');
    expect(hit.headers.get('x-tollgate-attempts')).toBeNull();
    expect(hit.headers.get('x-tollgate-cost-usd')).toBe('0.000000000');
    expect(received.length).toBe(before);
    const row = await ledgerRowFor(gateway.url, hit.headers.get('x-request-id')!);
    expect(row).toMatchObject({ cache_hit: true, service: 'catalog', status: 200, attempts: 0 });

    // undici's request, not fetch: fetch adds `Cache-Control: no-cache` to a conditional request (as the Fetch standard says).
    const notModified = await request(`${gateway.url}/catalog/items`, { headers: { authorization: `Bearer ${testKey}`, 'if-none-match': '"v1"' } });
    expect(notModified.statusCode).toBe(304);
    expect(await notModified.body.text()).toBe('');
    expect(notModified.headers.etag).toBe('"v1"');
    expect(received.length).toBe(before);
    // A client that asks for a fresh answer gets one from the service.
    const fresh = await call('/items', { headers: { 'cache-control': 'no-cache' } });
    expect(fresh.headers.get('x-tollgate-cache')).toBeNull();
    await fresh.text();
    expect(received.length).toBe(before + 1);
  });

  it('never keep a private answer', async () => {
    await (await call('/mine')).text();
    const before = received.length;
    const again = await call('/mine');
    await again.text();
    expect(again.headers.get('x-tollgate-cache')).toBeNull();
    expect(received.length).toBe(before + 1);
  });

  it('pass a POST with an Idempotency-Key to the service once, and replay its answer', async () => {
    const key = randomUUID();
    const post = () => call('/orders', { method: 'POST', body: '{"sku":"a-1"}', headers: { 'content-type': 'application/json', 'idempotency-key': key } });
    const first = await post();
    expect(first.status).toBe(201);
    const firstBody = await first.text();
    const before = received.length;
    const repeat = await post();
    expect(repeat.status).toBe(201);
    expect(repeat.headers.get('idempotent-replayed')).toBe('true');
    expect(await repeat.text()).toBe(firstBody);
    expect(received.length).toBe(before);
    const other = await call('/orders', { method: 'POST', body: '{"sku":"b-2"}', headers: { 'content-type': 'application/json', 'idempotency-key': key } });
    expect(other.status).toBe(422);
  });
});
