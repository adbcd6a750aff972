/**
 * The audit trail end to end: admin changes through the real API land as events with who, what,
 * when, from where, before and after (and never a key in clear); refused authentications land too,
 * rate-limited per source; `GET /admin/audit` filters and pages; the CLI's changes are recorded
 * as its user's; the table refuses UPDATE and DELETE.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, testAdminKey, type TestGateway } from '../helpers/start-gateway.js';
import { pairedPostgresText, queryStorage, yamlForTest } from '../helpers/test-storage.js';

const financeKey = 'tg_audit_finance_key_0123456789';
let gateway: TestGateway;
let dataDir: string;

const admin = async (path: string, init: { method?: string; body?: unknown; key?: string } = {}) => {
  const response = await fetch(`${gateway.url}/admin${path}`, {
    method: init.method ?? 'GET',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${init.key ?? testAdminKey}` },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return { status: response.status, body: (await response.json()) as any };
};
const events = async (query: string) => (await admin(`/audit?${query}`)).body.data as any[];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'tollgate-audit-'));
  gateway = await startTestGateway({
    providers: { demo: { type: 'mock' } },
    models: { demo: { provider: 'demo', model: 'echo' } },
    operators: [{ name: 'books', key: financeKey, role: 'finance' }],
    storage: { sqlite: join(dataDir, 'tollgate.db') },
  });
});
afterAll(() => gateway?.close());

describe('audit trail', () => {
  it('records every admin change with actor, source, before and after', async () => {
    expect((await admin('/tenants', { method: 'POST', body: { id: 'acme', quotas: { requestsPerMinute: 10 } } })).status).toBe(201);
    expect((await admin('/tenants/acme', { method: 'PATCH', body: { quotas: { requestsPerMinute: 20 } } })).status).toBe(200);
    const created = await admin('/tenants/acme/keys', { method: 'POST', body: { name: 'ci' } });
    expect(created.status).toBe(201);
    expect((await admin(`/keys/${created.body.id}/revoke`, { method: 'POST' })).status).toBe(200);
    expect((await admin('/tenants/acme', { method: 'DELETE' })).status).toBe(200);

    const [update] = await events('action=tenant.update');
    expect(update).toMatchObject({ actor_kind: 'operator', actor: 'admin-key', action: 'tenant.update', target_type: 'tenant', target_id: 'acme', source: '127.0.0.1' });
    expect(update.before.quotas).toEqual({ requestsPerMinute: 10 });
    expect(update.after.quotas).toEqual({ requestsPerMinute: 20 });
    expect(Date.now() - Date.parse(update.time)).toBeLessThan(60_000);

    const [keyCreate] = await events('action=key.create');
    expect(keyCreate).toMatchObject({ target_id: created.body.id, after: { name: 'ci', status: 'active' } });
    expect(keyCreate.after.key).toBeUndefined();
    const [revoke] = await events(`target=${created.body.id}&action=key.revoke`);
    expect([revoke.before.status, revoke.after.status]).toEqual(['active', 'revoked']);
    const [deletion] = await events('action=tenant.delete');
    expect(deletion.before.keys).toHaveLength(1);
    expect(deletion.after).toEqual({ id: 'acme', deleted: true });

    // Nothing the database holds is a key in clear.
    const files = readdirSync(dataDir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
    const bytes = files.map((file) => readFileSync(join(file.parentPath, file.name)).toString('latin1')).join('');
    expect(bytes.includes(created.body.key)).toBe(false);
    // With `storage.postgres` (the PostgreSQL test pass), nor any row there.
    const postgres = await pairedPostgresText(join(dataDir, 'tollgate.db'));
    if (postgres !== undefined) {
      expect(postgres).toContain('tenant.delete');
      expect(postgres.includes(created.body.key)).toBe(false);
    }
  });

  it('records refused authentications, rate-limited per source', async () => {
    for (let attempt = 0; attempt < 25; attempt++) {
      const response = await fetch(`${gateway.baseURL}/models`, { headers: { authorization: 'Bearer tg_wrong_key_for_audit_0123456789' } });
      expect(response.status).toBe(401);
    }
    const refused = await events('action=auth.refused&limit=100');
    expect(refused.length).toBe(10);
    expect(refused[0]).toMatchObject({ actor_kind: 'anonymous', actor: 'tg_wro...', source: '127.0.0.1', detail: { status: 401, reason: 'invalid_api_key', path: '/v1/models' } });
    // A finance key trying to change something is refused too (and may not read the trail).
    expect((await admin('/tenants', { method: 'POST', key: financeKey, body: { id: 'nope' } })).status).toBe(403);
    expect((await admin('/audit', { key: financeKey })).status).toBe(403);
  });

  it('filters and pages', async () => {
    const first = await admin('/audit?limit=2');
    expect(first.body.data).toHaveLength(2);
    const second = await admin(`/audit?limit=2&cursor=${first.body.next_cursor}`);
    expect(second.body.data[0].id).toBeLessThan(first.body.data[1].id);
    expect((await events('actor=admin-key&limit=1000')).every((event) => event.actor === 'admin-key')).toBe(true);
    expect((await admin('/audit?from=not-a-date')).status).toBe(400);
  });

  it('is append-only in the database itself', async () => {
    const path = join(dataDir, 'tollgate.db');
    const [{ events }] = await queryStorage<{ events: number }>(path, 'select count(*) as events from audit_events');
    expect(events).toBeGreaterThan(0);
    await expect(queryStorage(path, "update audit_events set actor = 'someone else'", [], { write: true })).rejects.toThrow(/append-only/);
    await expect(queryStorage(path, 'delete from audit_events', [], { write: true })).rejects.toThrow(/append-only/);
  });

  it("records the CLI's changes as its user's", async () => {
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const configPath = join(dataDir, 'cli.yaml');
    writeFileSync(configPath, await yamlForTest(`providers: { demo: { type: mock } }\nstorage: { sqlite: ${join(dataDir, 'cli.db')} }\n`, configPath));
    await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'tenants', 'create', 'from-cli', '--config', configPath], { cwd: root });
    const [row] = await queryStorage(join(dataDir, 'cli.db'), "select actor_kind, actor, source, target_id from audit_events where action = 'tenant.create'");
    expect(row).toMatchObject({ actor_kind: 'cli', target_id: 'from-cli' });
    expect((row as { source: string }).source).toMatch(/^cli@/);
  }, 60_000);
});
