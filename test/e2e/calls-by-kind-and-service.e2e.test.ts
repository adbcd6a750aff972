/**
 * The call log filtered by route kind and REST service, through the real server: chat and
 * embeddings calls with the official `openai` SDK, REST calls to two services on real local HTTP
 * servers, then `GET /admin/calls?kind=&service=` returns exactly the matching rows, and a bad
 * value is a 400 in the admin error shape naming the parameter.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../fakes/fake-upstream.js';
import { ledgerRows } from '../helpers/ledger.js';
import { startTestGateway, testAdminKey, testKey, type TestGateway } from '../helpers/start-gateway.js';

let service: FakeUpstream;
let gateway: TestGateway;

beforeAll(async () => {
  service = await startFakeUpstream((request) => ({ json: { path: request.path } }));
  gateway = await startTestGateway({
    providers: { demo: { type: 'mock' } },
    models: { demo: { provider: 'demo', model: 'echo' } },
    services: {
      billing: { mount: '/proxy/billing', targets: [{ url: service.url }] },
      search: { mount: '/proxy/search', targets: [{ url: service.url }] },
    },
    storage: { sqlite: ':memory:', ledgerFlushMs: 10 },
  });
  await gateway.client.chat.completions.create({ model: 'demo', messages: [{ role: 'user', content: 'Hello' }] });
  await gateway.client.chat.completions.create({ model: 'demo', messages: [{ role: 'user', content: 'Again' }] });
  await gateway.client.embeddings.create({ model: 'demo', input: 'a' });
  const rest = (path: string) => fetch(`${gateway.url}${path}`, { headers: { authorization: `Bearer ${testKey}` } }).then((response) => response.text());
  await rest('/proxy/billing/invoices');
  await rest('/proxy/billing/invoices/7');
  await rest('/proxy/search/find');
});
afterAll(async () => {
  await gateway?.close();
  await service?.close();
});

const admin = (query: string) => fetch(`${gateway.url}/admin/calls?${query}`, { headers: { authorization: `Bearer ${testAdminKey}` } });

describe('GET /admin/calls by kind and service', () => {
  it('returns only the calls of the kinds asked for', async () => {
    expect((await ledgerRows(gateway.url)).length).toBe(6);
    expect((await ledgerRows(gateway.url, 'kind=chat')).map((row) => row.kind)).toEqual(['chat', 'chat']);
    expect((await ledgerRows(gateway.url, 'kind=proxy')).map((row) => row.service).sort()).toEqual(['billing', 'billing', 'search']);
    expect((await ledgerRows(gateway.url, 'kind=chat,embeddings')).map((row) => row.kind).sort()).toEqual(['chat', 'chat', 'embeddings']);
    expect(await ledgerRows(gateway.url, 'kind=prompt')).toEqual([]);
  });

  it('returns only the calls to the service asked for, with the other filters', async () => {
    const billing = await ledgerRows(gateway.url, 'service=billing');
    expect(billing.map((row) => row.route).sort()).toEqual(['/proxy/billing/invoices', '/proxy/billing/invoices/:id']);
    expect(await ledgerRows(gateway.url, 'service=search&kind=proxy&status=ok')).toHaveLength(1);
    expect(await ledgerRows(gateway.url, 'service=billing&kind=chat')).toEqual([]);
    // A service no longer configured still finds its history: a well-formed name is a filter, not a lookup.
    expect(await ledgerRows(gateway.url, 'service=retired')).toEqual([]);
  });

  it.each([
    ['kind=rest', 'kind'],
    ['kind=chat,,prompt', 'kind'],
    ['kind=', 'kind'],
    ['service=Billing%20Dept', 'service'],
    [`service=${'a'.repeat(65)}`, 'service'],
  ])('refuses %s with a 400 naming the parameter', async (query, param) => {
    const response = await admin(query);
    expect(response.status).toBe(400);
    const body = (await response.json()) as any;
    expect(body.error).toMatchObject({ type: 'invalid_request_error', param });
    expect(body.error.message).toContain(param);
  });
});
