/**
 * Dashboard sessions through the real server, without a browser: the cookie's attributes (Secure
 * behind TLS), read-only use of the admin API, sign-out, and sessions ending with their key.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDashboard } from '../../scripts/build-dashboard.js';
import { startTestGateway, testAdminKey, type TestGateway } from '../helpers/start-gateway.js';

const financeKey = 'tg_session_finance_key_012345';
let gateway: TestGateway;

async function signIn(key: string, headers: Record<string, string> = {}) {
  return fetch(`${gateway.url}/dashboard/session`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ key }) });
}

const cookieOf = (response: Response) => response.headers.get('set-cookie')!.split(';')[0];

beforeAll(async () => {
  const folder = mkdtempSync(join(tmpdir(), 'tollgate-session-'));
  process.env.TOLLGATE_DASHBOARD_DIR = join(folder, 'dashboard');
  await buildDashboard(process.env.TOLLGATE_DASHBOARD_DIR);
  gateway = await startTestGateway({
    providers: { demo: { type: 'mock' } },
    operators: [{ name: 'books', key: financeKey, role: 'finance' }],
    tenants: { acme: { keys: [{ name: 'web', key: 'tg_session_acme_key_0123456789' }] } },
  });
});
afterAll(() => gateway?.close());

describe('dashboard sessions', () => {
  it('serves the page with a strict content security policy and its hashed assets', async () => {
    const page = await fetch(`${gateway.url}/dashboard`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    const script = /\/dashboard\/assets\/(app-[A-Z0-9]+\.js)/.exec(html)![1];
    const asset = await fetch(`${gateway.url}/dashboard/assets/${script}`);
    expect(asset.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect((await fetch(`${gateway.url}/dashboard/assets/..%2Fmanifest.json`)).status).toBe(404);
    expect((await fetch(`${gateway.url}/dashboard/assets/package.json`)).status).toBe(404);
  });

  it('sets an HttpOnly SameSite=Strict cookie, Secure behind TLS, never echoing the key', async () => {
    const plain = await signIn(financeKey);
    expect(plain.status).toBe(200);
    const cookie = plain.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^tollgate_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=28800$/);
    expect(await plain.text()).not.toContain(financeKey);
    const tls = await signIn(financeKey, { 'x-forwarded-proto': 'https' });
    expect(tls.headers.get('set-cookie')).toMatch(/; Secure$/);
    expect((await signIn('tg_wrong_key_000000000000000')).status).toBe(401);
    expect((await signIn(testAdminKey)).status).toBe(200);
  });

  it('lets a session read the admin API but never change anything', async () => {
    const cookie = cookieOf(await signIn(testAdminKey));
    const read = await fetch(`${gateway.url}/admin/tenants`, { headers: { cookie } });
    expect(read.status).toBe(200);
    const write = await fetch(`${gateway.url}/admin/tenants`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ id: 'csrf' }) });
    expect(write.status).toBe(401);
    const tenantCookie = cookieOf(await signIn('tg_session_acme_key_0123456789'));
    expect((await fetch(`${gateway.url}/admin/tenants`, { headers: { cookie: tenantCookie } })).status).toBe(403);
    expect((await fetch(`${gateway.url}/admin/reports/usage`, { headers: { cookie: tenantCookie } })).status).toBe(200);
  });

  it('ends at sign-out and when its key is revoked', async () => {
    const cookie = cookieOf(await signIn(financeKey));
    expect((await fetch(`${gateway.url}/dashboard/session`, { headers: { cookie } })).status).toBe(200);
    const out = await fetch(`${gateway.url}/dashboard/session`, { method: 'DELETE', headers: { cookie } });
    expect(out.headers.get('set-cookie')).toContain('Max-Age=0');
    expect((await fetch(`${gateway.url}/dashboard/session`, { headers: { cookie } })).status).toBe(401);
    expect((await fetch(`${gateway.url}/admin/calls`, { headers: { cookie } })).status).toBe(401);

    const created = await fetch(`${gateway.url}/admin/operators`, {
      method: 'POST',
      headers: { authorization: `Bearer ${testAdminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'temp', role: 'finance' }),
    });
    const operator = (await created.json()) as { id: string; key: string };
    const second = cookieOf(await signIn(operator.key));
    expect((await fetch(`${gateway.url}/admin/calls`, { headers: { cookie: second } })).status).toBe(200);
    await fetch(`${gateway.url}/admin/keys/${operator.id}/revoke`, { method: 'POST', headers: { authorization: `Bearer ${testAdminKey}` } });
    expect((await fetch(`${gateway.url}/admin/calls`, { headers: { cookie: second } })).status).toBe(401);
  });
});
