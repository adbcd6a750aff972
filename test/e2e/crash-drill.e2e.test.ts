/**
 * The SIGKILL drill: a gateway process under load is killed with `kill -9`, restarted on the same
 * database, and every call it answered before dying has its ledger row — written at the restart
 * from the crash journal, where each row was appended before its answer left. The ledger flushes
 * only every 2 s here, so without the journal the rows of the last seconds would be lost. The same
 * with the ledger in PostgreSQL.
 */
import { once } from 'node:events';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { freshPostgresDatabase, type FreshPostgres } from '../helpers/postgres.js';
import { spawnGateway } from '../helpers/spawn-gateway.js';

const tenantKey = 'tg_crash_drill_key_0123456789';

function gatewayYaml(dataDir: string, postgres?: FreshPostgres): string {
  return `
server: { host: 127.0.0.1 }
providers:
  demo: { type: mock, completionTokens: 6, chunks: 4 }
models:
  demo: { provider: demo, model: lorem, price: { input: 1, output: 4 } }
tenants:
  load: { keys: [{ name: main, key: ${tenantKey} }] }
storage: { sqlite: ${join(dataDir, 'tollgate.db')}, ledgerFlushMs: 2000${postgres ? `, postgres: "${postgres.url}"` : ''} }
`;
}

/** One call; its request id when the whole answer arrived (a stream only with its [DONE]), else undefined. */
async function call(url: string, stream: boolean): Promise<string | undefined> {
  try {
    const response = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tenantKey}` },
      body: JSON.stringify({ model: 'demo', stream, messages: [{ role: 'user', content: 'drill' }] }),
    });
    const text = await response.text();
    if (response.status !== 200) return undefined;
    if (stream ? !text.endsWith('data: [DONE]\n\n') : JSON.parse(text).choices === undefined) return undefined;
    return response.headers.get('x-request-id') ?? undefined;
  } catch {
    return undefined;
  }
}

/** The ids stored in the ledger and the requests its daily rollups count for the tenant. */
async function storedLedger(dataDir: string, postgres: FreshPostgres | undefined): Promise<{ stored: Set<string>; requests: number }> {
  const rollupSql = "select coalesce(sum(requests), 0) as n from daily_rollups where tenant_id = 'load'";
  if (postgres) {
    const client = new pg.Client({ connectionString: postgres.url });
    await client.connect();
    try {
      const ids = await client.query<{ id: string }>('select id from calls');
      const rollup = await client.query(rollupSql);
      return { stored: new Set(ids.rows.map((row) => row.id)), requests: Number(rollup.rows[0].n) };
    } finally {
      await client.end();
    }
  }
  const database = new Database(join(dataDir, 'tollgate.db'), { readonly: true });
  try {
    const stored = new Set((database.prepare('select id from calls').all() as Array<{ id: string }>).map((row) => row.id));
    return { stored, requests: (database.prepare(rollupSql).get() as { n: number }).n };
  } finally {
    database.close();
  }
}

describe.each(['sqlite', 'postgres'] as const)('SIGKILL drill with the ledger in %s', (backend) => {
  it('loses no ledger row of a call the gateway answered before it was killed', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-crash-'));
    const configPath = join(dataDir, 'tollgate.yaml');
    const postgres = backend === 'postgres' ? await freshPostgresDatabase() : undefined;
    const first = await spawnGateway(configPath, gatewayYaml(dataDir, postgres));
    const answered: string[] = [];
    let killed = false;
    const loops = Array.from({ length: 12 }, async (_, worker) => {
      for (let round = 0; !killed; round++) {
        const id = await call(first.url, (worker + round) % 2 === 0);
        if (id) answered.push(id);
      }
    });
    // Killed in the middle of the load, once enough calls were answered to make the count mean something.
    await expect.poll(() => answered.length, { timeout: 40_000, interval: 50 }).toBeGreaterThan(150);
    const exited = once(first.process, 'exit');
    first.process.kill('SIGKILL');
    killed = true;
    const [, signal] = await exited;
    expect(signal).toBe('SIGKILL');
    await Promise.all(loops);
    // What the killed process left behind: a journal, and a database missing its last rows.
    expect(readdirSync(join(dataDir, 'tollgate.db.ledger-journal')).length).toBeGreaterThan(0);

    const second = await spawnGateway(configPath, gatewayYaml(dataDir, postgres));
    expect(second.log()).toContain('"message":"ledger journal replayed"');
    expect(await second.stop('SIGTERM')).toBe(0);

    const { stored, requests } = await storedLedger(dataDir, postgres);
    await postgres?.drop();
    const missing = answered.filter((id) => !stored.has(id));
    expect(missing).toEqual([]);
    // Rollups count each stored row once, replayed ones included.
    expect(requests).toBe(stored.size);
    expect(readdirSync(join(dataDir, 'tollgate.db.ledger-journal'))).toEqual([]);
  }, 180_000);
});
