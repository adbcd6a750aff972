/**
 * Moving an embedded installation onto PostgreSQL, through the real commands: a gateway on SQLite
 * serves calls and gets a tenant and key through the admin API; `tollgate export` writes the file,
 * `tollgate migrate` prepares an empty PostgreSQL and `tollgate import` loads it. A gateway started
 * on PostgreSQL then answers the call log and the reports exactly as the SQLite one did. Also: a
 * second import is refused, and a database migrated by a newer Tollgate is refused by `migrate`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPostgresDatabase, type FreshPostgres } from '../helpers/postgres.js';
import { outputOf, runCli } from '../helpers/run-cli.js';
import { startTestGateway, testAdminKey, testKey, type TestGateway } from '../helpers/start-gateway.js';

const config = {
  providers: { demo: { type: 'mock' } },
  models: { demo: { provider: 'demo', model: 'echo', price: { input: 1.5, output: 2.25 } } },
  tenants: { test: { keys: [{ name: 'default', key: testKey }] } },
  logs: { access: { enabled: false } },
};
const compared = ['/admin/calls?limit=500', '/admin/reports/usage?groupBy=tenant,key,model,day', '/admin/usage?group_by=day,tenant,key', '/admin/tenants'];

let folder: string;
let postgres: FreshPostgres;
const sqliteAnswers: string[] = [];

async function answers(gateway: TestGateway): Promise<string[]> {
  const texts: string[] = [];
  for (const path of compared) {
    const response = await fetch(`${gateway.url}${path}`, { headers: { authorization: `Bearer ${testAdminKey}` } });
    expect(response.status, path).toBe(200);
    texts.push(await response.text());
  }
  return texts;
}

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'tollgate-transfer-'));
  postgres = await freshPostgresDatabase();
  const sqlite = join(folder, 'tollgate.db');
  writeFileSync(join(folder, 'sqlite.yaml'), stringify({ ...config, storage: { sqlite } }));
  writeFileSync(join(folder, 'postgres.yaml'), stringify({ ...config, storage: { sqlite: join(folder, 'pg-local.db'), postgres: postgres.url } }));
  const gateway = await startTestGateway({ ...config, storage: { sqlite, ledgerFlushMs: 20 } });
  const created = await fetch(`${gateway.url}/admin/tenants`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${testAdminKey}` },
    body: JSON.stringify({ id: 'runtime', quotas: { requestsPerMinute: 100 } }),
  });
  expect(created.status).toBe(201);
  for (let index = 0; index < 25; index++) {
    await gateway.client.chat.completions.create({ model: 'demo', user: `user_${index % 3}`, messages: [{ role: 'user', content: `question ${index}` }] });
  }
  await gateway.services.metering.ledger.written?.();
  sqliteAnswers.push(...(await answers(gateway)));
  await gateway.close();
}, 60_000);

afterAll(async () => {
  await postgres?.drop();
  rmSync(folder, { recursive: true, force: true });
});

describe('tollgate export, migrate and import', () => {
  it('moves every table into PostgreSQL, where a gateway answers as the SQLite one did', async () => {
    const dump = join(folder, 'dump.jsonl');
    const exported = outputOf(await runCli(['export', '--out', dump, '--config', join(folder, 'sqlite.yaml')]));
    expect(exported.rows).toMatchObject({ tenants: 2, calls: 25 });
    expect(outputOf(await runCli(['migrate', '--config', join(folder, 'postgres.yaml')]))).toMatchObject({ postgres: { migrated: true } });
    const imported = outputOf(await runCli(['import', dump, '--config', join(folder, 'postgres.yaml')]));
    expect(imported.rows).toEqual(Object.fromEntries(Object.entries(exported.rows).filter(([, count]) => (count as number) > 0)));

    const gateway = await startTestGateway({ ...config, storage: { sqlite: join(folder, 'pg-local.db'), postgres: postgres.url } });
    try {
      const pgAnswers = await answers(gateway);
      // The tenants (the runtime one included) came across with the ledger.
      compared.forEach((path, index) => expect(pgAnswers[index], path).toBe(sqliteAnswers[index]));
    } finally {
      await gateway.close();
    }

    const again = await runCli(['import', dump, '--config', join(folder, 'postgres.yaml')]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already holds tenants, keys or calls/);
  }, 120_000);

  it('refuses a PostgreSQL database migrated by a newer Tollgate', async () => {
    const client = new pg.Client({ connectionString: postgres.url });
    await client.connect();
    try {
      await client.query("INSERT INTO drizzle.__drizzle_migrations (hash, created_at) VALUES ('from-the-future', $1)", [Date.UTC(2099, 0, 1)]);
      const result = await runCli(['migrate', '--config', join(folder, 'postgres.yaml')]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/migrated by a newer Tollgate.*2099-01-01/);
    } finally {
      await client.query("DELETE FROM drizzle.__drizzle_migrations WHERE hash = 'from-the-future'");
      await client.end();
    }
  }, 60_000);
});
