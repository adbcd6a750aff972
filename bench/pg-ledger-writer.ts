/**
 * The PostgreSQL ledger writer on its own: rows per second committed and the backlog while rows
 * are appended at fixed rates (the gateway's request rates: one row per call), then the most it
 * commits when 50,000 rows arrive at once. Each run gets a fresh database on the server named by
 * TOLLGATE_TEST_POSTGRES (default the local one, trust auth) and drops it afterwards.
 *
 *   npx tsx bench/pg-ledger-writer.ts [--rates 1000,4000,8000] [--seconds 5]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { freshPostgresDatabase } from '../test/helpers/postgres.js';
import { PgLedgerWriter } from '../src/ledger/pg/pg-ledger-writer.js';
import type { LedgerRow } from '../src/ledger/types.js';
import { openPostgres } from '../src/storage/pg/postgres-database.js';

const { values } = parseArgs({ options: { rates: { type: 'string', default: '1000,4000,8000' }, seconds: { type: 'string', default: '5' } } });
const rates = values.rates.split(',').map(Number);
const seconds = Number(values.seconds);

let sequence = 0;
function row(): LedgerRow {
  sequence += 1;
  return {
    id: `bench_${sequence}`,
    time: Date.now(),
    tenantId: `tenant_${sequence % 20}`,
    keyId: `key_${sequence % 100}`,
    kind: 'chat',
    model: `model_${sequence % 4}`,
    provider: 'openai',
    status: sequence % 50 === 0 ? 500 : 200,
    inputTokens: 500 + (sequence % 300),
    outputTokens: 200 + (sequence % 100),
    costNanoUsd: 1_000_000 + sequence,
    latencyMs: 300 + (sequence % 700),
    ttfbMs: sequence % 2 ? 120 : null,
    streamed: sequence % 2 === 1,
    endUser: `user_${sequence % 50}`,
    tags: sequence % 3 ? '{"team":"search"}' : null,
  };
}

async function withWriter<T>(work: (writer: PgLedgerWriter) => Promise<T>): Promise<T> {
  const server = await freshPostgresDatabase();
  const database = await openPostgres(server.url);
  const folder = mkdtempSync(join(tmpdir(), 'tollgate-bench-pg-'));
  const writer = new PgLedgerWriter(database, { flushMs: 200, batchSize: 500, spoolPath: join(folder, 'spool') });
  try {
    return await work(writer);
  } finally {
    await writer.close();
    await database.$client.end();
    await server.drop();
    rmSync(folder, { recursive: true, force: true });
  }
}

async function fixedRate(rate: number): Promise<string> {
  return withWriter(async (writer) => {
    const total = rate * seconds;
    const started = performance.now();
    let appended = 0;
    let maxBacklog = 0;
    // Appends in 10 ms slices, as requests would arrive, and watches the backlog between slices.
    while (appended < total) {
      const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate));
      for (; appended < due; appended++) writer.append(row());
      const { writer: queued, spool } = writer.backlog();
      maxBacklog = Math.max(maxBacklog, queued + spool);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await writer.written(60_000);
    const elapsed = (performance.now() - started) / 1000;
    return `| ${rate} | ${total} | ${(total / elapsed).toFixed(0)} | ${maxBacklog} | ${writer.backlog().writer + writer.backlog().spool} |`;
  });
}

async function burst(count: number): Promise<string> {
  return withWriter(async (writer) => {
    const started = performance.now();
    for (let index = 0; index < count; index++) writer.append(row());
    await writer.written(120_000);
    const elapsed = (performance.now() - started) / 1000;
    return `| burst | ${count} | ${(count / elapsed).toFixed(0)} | ${count} | ${writer.backlog().writer + writer.backlog().spool} |`;
  });
}

console.log('| appended rows/s | rows | committed rows/s | max backlog | backlog at end |');
console.log('|---|---|---|---|---|');
for (const rate of rates) console.log(await fixedRate(rate));
console.log(await burst(50_000));
