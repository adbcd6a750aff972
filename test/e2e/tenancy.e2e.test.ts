/**
 * Tenants and keys end to end: authentication (Bearer and x-api-key), revocation on the next
 * request, expiry, model scopes, operator roles on the admin API, and hash-only storage — through
 * the real server, with the database in a file so its bytes can be searched for raw keys.
 */
import { mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectSpecValid } from '../helpers/openapi.js';
import { startTestGateway, testAdminKey, testKey, type TestGateway } from '../helpers/start-gateway.js';
import { pairedPostgresText } from '../helpers/test-storage.js';

const acmeKey = 'tg_acme_config_key_0123456789';
const scopedKey = 'tg_acme_scoped_key_0123456789';
const expiredKey = 'tg_acme_expired_key_012345678';
const financeKey = 'tg_finance_key_0123456789abc';
const opsKey = 'tg_ops_admin_key_0123456789ab';

let gateway: TestGateway;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'tollgate-tenancy-'));
  gateway = await startTestGateway({
    providers: { demo: { type: 'mock' } },
    models: { demo: { provider: 'demo', model: 'echo' }, other: { provider: 'demo', model: 'lorem' }, secret: { provider: 'demo', model: 'lorem' } },
    tenants: {
      acme: {
        models: ['demo', 'other'],
        keys: [
          { name: 'ci', key: acmeKey },
          { name: 'scoped', key: scopedKey, scopes: { models: ['demo'] } },
          { name: 'old', key: expiredKey, expiresAt: '2020-01-01' },
        ],
      },
    },
    operators: [
      { name: 'books', key: financeKey, role: 'finance' },
      { name: 'ops', key: opsKey, role: 'admin' },
    ],
    storage: { sqlite: join(dataDir, 'tollgate.db'), ledgerFlushMs: 20 },
  });
});
afterAll(() => gateway?.close());

const chat = (key: string, model = 'demo', header: 'authorization' | 'x-api-key' = 'authorization') =>
  fetch(`${gateway.baseURL}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(header === 'authorization' ? { authorization: `Bearer ${key}` } : { 'x-api-key': key }) },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
  });

const admin = (path: string, key: string, init: { method?: string; body?: unknown } = {}) =>
  fetch(`${gateway.url}/admin${path}`, {
    method: init.method ?? 'GET',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });

async function expectError(response: Response, status: number, code: string) {
  expect(response.status).toBe(status);
  const body: any = await response.json();
  expectSpecValid('ErrorResponse', body);
  expect(body.error.code).toBe(code);
  return body;
}

describe('authentication', () => {
  it('accepts a tenant key as a Bearer token and in x-api-key', async () => {
    expect((await chat(acmeKey)).status).toBe(200);
    expect((await chat(acmeKey, 'demo', 'x-api-key')).status).toBe(200);
  });

  it('answers a missing, unknown or expired key with 401 and never echoes the key', async () => {
    const missing = await fetch(`${gateway.baseURL}/models`);
    await expectError(missing, 401, 'missing_api_key');
    const unknown = await expectError(await chat('tg_not_a_real_key_000000000'), 401, 'invalid_api_key');
    expect(unknown.error.message).not.toContain('tg_not_a_real_key_000000000');
    await expectError(await chat(expiredKey), 401, 'expired_api_key');
    await expect(new OpenAI({ baseURL: gateway.baseURL, apiKey: 'nope-nope-nope', maxRetries: 0 }).models.list()).rejects.toMatchObject({ status: 401 });
  });

  it('applies model scopes of the tenant and of the key, in calls and in /v1/models', async () => {
    await expectError(await chat(acmeKey, 'secret'), 403, 'model_not_allowed');
    await expectError(await chat(scopedKey, 'other'), 403, 'model_not_allowed');
    expect((await chat(scopedKey, 'demo')).status).toBe(200);
    const models = await new OpenAI({ baseURL: gateway.baseURL, apiKey: scopedKey, maxRetries: 0 }).models.list();
    expect(models.data.map((model) => model.id)).toEqual(['demo']);
  });

  it('refuses operator keys on /v1 and tenant keys on /admin', async () => {
    await expectError(await chat(financeKey), 403, 'operator_key_not_allowed');
    await expectError(await admin('/tenants', acmeKey), 403, 'insufficient_role');
    await expectError(await admin('/tenants', 'tg_bogus_admin_key_00000000'), 401, 'invalid_api_key');
  });
});

describe('admin API and roles', () => {
  it('creates a tenant and a key that works at once, shown only once, and revokes it for the very next request', async () => {
    const created = await admin('/tenants', testAdminKey, { method: 'POST', body: { id: 'globex', quotas: { requestsPerMinute: 100 }, timeZone: 'Europe/Berlin' } });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ id: 'globex', timeZone: 'Europe/Berlin', quotas: { requestsPerMinute: 100 } });

    const keyResponse = await admin('/tenants/globex/keys', opsKey, { method: 'POST', body: { name: 'app' } });
    expect(keyResponse.status).toBe(201);
    const key: any = await keyResponse.json();
    expect(key.key).toMatch(/^tg_[A-Za-z0-9_-]{32}$/);
    expect(key).toMatchObject({ tenant: 'globex', name: 'app', status: 'active', prefix: key.key.slice(0, 10) });

    expect((await chat(key.key)).status).toBe(200);
    const listed: any = await (await admin('/tenants/globex/keys', financeKey)).json();
    expect(JSON.stringify(listed)).not.toContain(key.key);
    expect(listed.data).toHaveLength(1);

    const revoked = await admin(`/keys/${key.id}/revoke`, testAdminKey, { method: 'POST' });
    expect(await revoked.json()).toMatchObject({ id: key.id, status: 'revoked' });
    await expectError(await chat(key.key), 401, 'revoked_api_key');
  });

  it('lets finance read but not change anything', async () => {
    expect((await admin('/tenants', financeKey)).status).toBe(200);
    expect((await admin('/calls?limit=1', financeKey)).status).toBe(200);
    await expectError(await admin('/tenants', financeKey, { method: 'POST', body: { id: 'nope' } }), 403, 'insufficient_role');
  });

  it('validates admin input with the configuration rules', async () => {
    const bad = await admin('/tenants', testAdminKey, { method: 'POST', body: { id: 'bad id', timeZone: 'Mars/Olympus' } });
    const body = await expectError(bad, 400, 'invalid_request_body');
    expect(body.error.message).toMatch(/timeZone/);
    await expectError(await admin('/tenants/acme', testAdminKey, { method: 'POST', body: {} }), 405, 'method_not_allowed');
    await expectError(await admin('/tenants/nobody/keys', testAdminKey, { method: 'POST', body: { name: 'x' } }), 404, 'tenant_not_found');
    await expectError(await admin('/tenants', testAdminKey, { method: 'POST', body: { id: 'acme' } }), 409, 'tenant_exists');
  });

  it('stores keys only as hashes: no raw key appears anywhere in the database files', async () => {
    const created: any = await (await admin('/tenants/acme/keys', testAdminKey, { method: 'POST', body: { name: 'searched' } })).json();
    expect((await chat(created.key)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 100));
    // The database, its WAL, and the ledger's crash journal folder.
    const files = (readdirSync(dataDir, { recursive: true }) as string[])
      .map((file) => join(dataDir, file))
      .filter((path) => statSync(path).isFile())
      .map((path) => readFileSync(path));
    expect(files.length).toBeGreaterThan(0);
    for (const secret of [created.key, acmeKey, scopedKey, financeKey, opsKey, testKey]) {
      for (const bytes of files) expect(bytes.includes(Buffer.from(secret))).toBe(false);
    }
    // With `storage.postgres` (the PostgreSQL test pass), every row of every table there too.
    const postgres = await pairedPostgresText(join(dataDir, 'tollgate.db'));
    if (postgres !== undefined) {
      expect(postgres).toContain('acme');
      for (const secret of [created.key, acmeKey, scopedKey, financeKey, opsKey, testKey]) expect(postgres.includes(secret)).toBe(false);
    }
  });
});
