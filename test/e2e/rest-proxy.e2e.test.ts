/**
 * REST services behind Tollgate, through the real server to real local HTTP services: what is
 * forwarded and what is not, the ledger row, scopes, subscriptions, errors, SSE and client aborts.
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerRowFor } from '../helpers/ledger.js';
import { startTestGateway, testAdminKey, testKey, type TestGateway } from '../helpers/start-gateway.js';
import { startRestTarget, type RestTarget } from '../fakes/rest-target.js';

const otherKey = 'tg_other_tenant_key_0123456789';
const narrowKey = 'tg_narrow_scope_key_0123456789';
let gateway: TestGateway;
let billing: RestTarget;
let down: RestTarget;
let hanging: RestTarget;

const admin = { authorization: `Bearer ${testAdminKey}` };
const asTest = { authorization: `Bearer ${testKey}` };

beforeAll(async () => {
  billing = await startRestTarget('billing');
  down = await startRestTarget('down');
  await down.close();
  hanging = await startRestTarget('hanging');
  process.env.BILLING_SECRET_FOR_TEST = 'billing-secret-value-123';
  gateway = await startTestGateway({
    providers: { demo: { type: 'mock' } },
    models: { demo: { provider: 'demo', model: 'echo' } },
    services: {
      billing: {
        mount: '/proxy/billing',
        targets: [{ url: billing.url }],
        stripPrefix: true,
        headers: { set: { 'x-api-key': 'billing-secret-value-123' }, remove: ['cookie'] },
      },
      rewritten: { mount: '/rw', targets: [{ url: billing.url }], rewrite: { '^/v1/(.*)$': '/api/$1' } },
      gone: { mount: '/gone', targets: [{ url: down.url }], retries: { attempts: 1 } },
      slow: { mount: '/slow', targets: [{ url: hanging.url }], stripPrefix: true, timeouts: { firstByteMs: 300 }, retries: { attempts: 0 } },
      private: { mount: '/private', targets: [{ url: billing.url }], stripPrefix: true, access: 'subscription' },
      limited: { mount: '/limited', targets: [{ url: billing.url }], stripPrefix: true, quotas: { requestsPerMinute: 2 } },
    },
    tenants: {
      test: { keys: [{ name: 'default', key: testKey }, { name: 'narrow', key: narrowKey, scopes: { services: ['rewritten'] } }] },
      other: { services: ['private', 'limited'], keys: [{ name: 'default', key: otherKey }] },
    },
  });
});

afterAll(async () => {
  await gateway?.close();
  await billing?.close();
  await hanging?.close();
});

describe('REST proxy', () => {
  it('forwards method, path, query, headers and body; never the Tollgate key; sets forwarding headers', async () => {
    const response = await fetch(`${gateway.url}/proxy/billing/invoices/42?expand=lines`, {
      method: 'PATCH',
      headers: { ...asTest, 'content-type': 'application/json', cookie: 'session=1', 'x-custom': 'kept', traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
      body: JSON.stringify({ amount: 10 }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-served-by')).toBe('billing');
    expect(response.headers.get('x-hop')).toBeNull();
    expect(response.headers.get('x-tollgate-attempts')).toBe('1');
    const echoed = (await response.json()) as { method: string; url: string; headers: Record<string, string>; bodyBytes: number };
    expect(echoed.method).toBe('PATCH');
    expect(echoed.url).toBe('/invoices/42?expand=lines');
    expect(echoed.bodyBytes).toBe(JSON.stringify({ amount: 10 }).length);
    expect(echoed.headers.authorization).toBeUndefined();
    expect(echoed.headers.cookie).toBeUndefined();
    expect(echoed.headers['x-custom']).toBe('kept');
    expect(echoed.headers['x-api-key']).toBe('billing-secret-value-123');
    expect(echoed.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(echoed.headers['x-forwarded-proto']).toBe('http');
    expect(echoed.headers['x-forwarded-host']).toBe(new URL(gateway.url).host);
    expect(echoed.headers['x-request-id']).toBe(response.headers.get('x-request-id'));
    expect(echoed.headers.traceparent).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-0[01]$/);

    const row = await ledgerRowFor(gateway.url, response.headers.get('x-request-id')!);
    expect(row).toMatchObject({ tenant_id: 'test', kind: 'proxy', service: 'billing', method: 'PATCH', route: '/proxy/billing/invoices/:id', status: 200, target: billing.url, attempts: 1, bytes_in: JSON.stringify({ amount: 10 }).length });
    expect(row.bytes_out).toBeGreaterThan(100);
    expect(row.key_id).toBe('cfg_test_default');
  });

  it('applies rewrite rules to the path after the mount', async () => {
    const response = await fetch(`${gateway.url}/rw/v1/users?active=1`, { headers: asTest });
    expect(((await response.json()) as { url: string }).url).toBe('/api/users?active=1');
  });

  it('passes server-sent events through as they arrive', async () => {
    const response = await fetch(`${gateway.url}/proxy/billing/sse`, { headers: asTest });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe('data: 0\n\n');
    let rest = '';
    for (let part = await reader.read(); !part.done; part = await reader.read()) rest += new TextDecoder().decode(part.value);
    expect(rest).toBe('data: 1\n\ndata: 2\n\n');
  });

  it('answers 502 when the service cannot be reached, 504 when it does not answer in time, in the JSON error shape', async () => {
    const unreachable = await fetch(`${gateway.url}/gone/x`, { headers: asTest });
    expect(unreachable.status).toBe(502);
    const body = (await unreachable.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('upstream_unreachable');
    expect(body.error.message).toContain('`gone`');
    const row = await ledgerRowFor(gateway.url, unreachable.headers.get('x-request-id')!);
    expect(row).toMatchObject({ service: 'gone', status: 502, attempts: 2, target: down.url });
    expect(unreachable.headers.get('x-tollgate-attempts')).toBe('2');

    const late = await fetch(`${gateway.url}/slow/hang`, { headers: asTest });
    expect(late.status).toBe(504);
    expect(((await late.json()) as { error: { code: string } }).error.code).toBe('upstream_timeout');
  });

  it('passes the service’s own errors through untouched (a 500 or 404 is the service’s answer)', async () => {
    const response = await fetch(`${gateway.url}/proxy/billing/status/404`, { headers: asTest });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ status: 404, from: 'billing' });
  });

  it('aborts the upstream request when the client goes away', async () => {
    const before = hanging.aborted;
    const controller = new AbortController();
    const pending = fetch(`${gateway.url}/slow/slow?ms=5000`, { headers: asTest, signal: controller.signal }).catch(() => undefined);
    await expect.poll(() => hanging.calls().some((call) => call.url === '/slow?ms=5000')).toBe(true);
    controller.abort();
    await pending;
    await expect.poll(() => hanging.aborted).toBeGreaterThan(before);
  });

  it('needs a key, and refuses services outside the tenant’s or the key’s scope', async () => {
    expect((await fetch(`${gateway.url}/proxy/billing/echo`)).status).toBe(401);
    const narrow = await fetch(`${gateway.url}/proxy/billing/echo`, { headers: { authorization: `Bearer ${narrowKey}` } });
    expect(narrow.status).toBe(403);
    expect(((await narrow.json()) as { error: { code: string } }).error.code).toBe('service_not_allowed');
    const row = await ledgerRowFor(gateway.url, narrow.headers.get('x-request-id')!);
    expect(row).toMatchObject({ service: 'billing', status: 403, key_id: 'cfg_test_narrow' });
    expect((await fetch(`${gateway.url}/rw/v1/x`, { headers: { authorization: `Bearer ${narrowKey}` } })).status).toBe(200);
    expect((await fetch(`${gateway.url}/proxy/billing/echo`, { headers: { authorization: `Bearer ${otherKey}` } })).status).toBe(403);
  });

  it('counts a service’s own request quota over every tenant, on top of tenant quotas', async () => {
    const statuses: number[] = [];
    for (const key of [testKey, otherKey, testKey]) {
      const response = await fetch(`${gateway.url}/limited/echo`, { headers: { authorization: `Bearer ${key}` } });
      statuses.push(response.status);
      if (response.status === 429) {
        const body = (await response.json()) as { error: { code: string; message: string } };
        expect(body.error.code).toBe('rate_limit_exceeded');
        expect(body.error.message).toContain('this service allows 2 requests per minute');
        expect(response.headers.get('retry-after')).not.toBeNull();
      } else await response.arrayBuffer();
    }
    expect(statuses).toEqual([200, 200, 429]);
    const refused = await fetch(`${gateway.url}/limited/echo`, { headers: { authorization: `Bearer ${otherKey}` } });
    expect(refused.status).toBe(429);
    const row = await ledgerRowFor(gateway.url, refused.headers.get('x-request-id')!);
    expect(row).toMatchObject({ service: 'limited', status: 429, kind: 'proxy' });
  });

  it('lists the services a key may use, and runs the subscription flow for `access: subscription`', async () => {
    const listed = (await (await fetch(`${gateway.url}/v1/services`, { headers: { authorization: `Bearer ${otherKey}` } })).json()) as { data: Array<{ id: string; callable: boolean; subscription: string | null }> };
    expect(listed.data).toEqual([
      expect.objectContaining({ id: 'private', callable: false, subscription: 'none' }),
      expect.objectContaining({ id: 'limited', callable: true, subscription: null }),
    ]);

    const refused = await fetch(`${gateway.url}/private/echo`, { headers: { authorization: `Bearer ${otherKey}` } });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('subscription_required');

    const asked = await fetch(`${gateway.url}/v1/services/private/subscription`, { method: 'POST', headers: { authorization: `Bearer ${otherKey}` } });
    expect(asked.status).toBe(202);
    const pending = await fetch(`${gateway.url}/private/echo`, { headers: { authorization: `Bearer ${otherKey}` } });
    expect(((await pending.json()) as { error: { code: string } }).error.code).toBe('subscription_pending');

    const requests = (await (await fetch(`${gateway.url}/admin/services/private/subscriptions`, { headers: admin })).json()) as { data: Array<{ tenant: string; status: string }> };
    expect(requests.data).toEqual([expect.objectContaining({ tenant: 'other', status: 'pending' })]);
    expect((await fetch(`${gateway.url}/admin/services/private/subscriptions/other/approve`, { method: 'POST', headers: admin })).status).toBe(200);
    expect((await fetch(`${gateway.url}/private/echo`, { headers: { authorization: `Bearer ${otherKey}` } })).status).toBe(200);

    expect((await fetch(`${gateway.url}/admin/services/private/subscriptions/other/reject`, { method: 'POST', headers: admin })).status).toBe(200);
    expect((await fetch(`${gateway.url}/private/echo`, { headers: { authorization: `Bearer ${otherKey}` } })).status).toBe(403);
  });

  it('shows every target’s state at /admin/targets', async () => {
    const response = await fetch(`${gateway.url}/admin/targets`, { headers: admin });
    const body = (await response.json()) as { data: Array<{ service: string; targets: Array<Record<string, unknown>> }> };
    const billingTargets = body.data.find((service) => service.service === 'billing')!.targets;
    expect(billingTargets[0]).toMatchObject({ id: billing.url, healthy: true, breaker: 'closed', inflight: 0 });
    expect(billingTargets[0]!.latency_ewma_ms).toEqual(expect.any(Number));
    expect((await fetch(`${gateway.url}/admin/targets`, { headers: asTest })).status).toBe(403);
  });

  it('documents each service as a pass-through path in a valid /openapi.json', async () => {
    const document = (await (await fetch(`${gateway.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, { operationId: string }>> };
    expect(Object.keys(document.paths['/proxy/billing/{path}']!)).toEqual(['get', 'post', 'put', 'patch', 'delete']);
    expect(document.paths['/private/{path}']!.post!.operationId).toBe('proxy_private_post');
    const result = await new Validator().validate(document as Record<string, unknown>);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });
});
