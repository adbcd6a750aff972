/**
 * The PostgreSQL outage drill: a gateway with its ledger in PostgreSQL serves a steady load; the
 * database server is stopped mid-load and started again a few hundred calls later. Every call is
 * still answered, `/readyz` stays ready (PostgreSQL `degraded`), the rows wait in the local spool,
 * and once the server is back the ledger holds exactly one row per answered call, with rollups to
 * match. The server is one of the test's own (test/helpers/own-postgres.ts), so stopping it
 * disturbs no other test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOwnPostgres, type OwnPostgres } from '../helpers/own-postgres.js';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';
import { waitFor } from '../helpers/wait-for.js';

let server: OwnPostgres;
let gateway: TestGateway;
let folder: string;

beforeAll(async () => {
  server = await startOwnPostgres();
  folder = mkdtempSync(join(tmpdir(), 'tollgate-pg-outage-'));
  gateway = await startTestGateway({
    providers: { demo: { type: 'mock' } },
    models: { demo: { provider: 'demo', model: 'echo', price: { input: 1.5, output: 2.25 } } },
    storage: { sqlite: join(folder, 'tollgate.db'), postgres: server.url, ledgerFlushMs: 20, ledgerSpool: join(folder, 'ledger.spool') },
  });
}, 60_000);

afterAll(async () => {
  await gateway?.close();
  server?.destroy();
  rmSync(folder, { recursive: true, force: true });
});

async function ledgerCounts(): Promise<{ rows: number; ids: number; rolledUp: number }> {
  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  try {
    const calls = await client.query('SELECT count(*)::int AS rows, count(DISTINCT id)::int AS ids FROM calls');
    const rollup = await client.query('SELECT coalesce(sum(requests), 0)::int AS n FROM usage_hourly_tenant');
    return { ...calls.rows[0], rolledUp: rollup.rows[0].n };
  } finally {
    await client.end();
  }
}

describe('a PostgreSQL outage in the middle of a load', () => {
  it('answers every call, spools the rows, and writes each exactly once when the database returns', async () => {
    let answered = 0;
    const failures: string[] = [];
    let sending = true;
    const sender = async () => {
      while (sending) {
        try {
          await gateway.client.chat.completions.create({ model: 'demo', messages: [{ role: 'user', content: `call ${answered}` }] });
          answered += 1;
        } catch (error) {
          failures.push(String(error));
        }
      }
    };
    const load = Promise.all(Array.from({ length: 6 }, sender));
    const reached = (count: number) => waitFor(() => answered, (value) => value >= count, 60_000);

    await reached(150);
    server.stop();
    const atStop = answered;
    await reached(atStop + 300);
    const ledger = gateway.services.metering.ledger as unknown as { backlog(): { spool: number } };
    expect(ledger.backlog().spool).toBeGreaterThan(0);
    const readiness = await fetch(`${gateway.url}/readyz`);
    const report = (await readiness.json()) as { status: string; checks: Record<string, { status: string }> };
    expect(readiness.status).toBe(200);
    expect(report.checks.postgres.status).toBe('degraded');

    server.start();
    const atStart = answered;
    await reached(atStart + 150);
    sending = false;
    await load;

    expect(failures).toEqual([]);
    const counts = await waitFor(ledgerCounts, (value) => value.rows >= answered, 60_000);
    expect(counts).toEqual({ rows: answered, ids: answered, rolledUp: answered });
    expect(ledger.backlog().spool).toBe(0);
  }, 180_000);
});
