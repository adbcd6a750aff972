/**
 * @module test/helpers/seed-ledger
 * Fills a database file's ledger (calls and every rollup, through the real `LedgerWriter`) with
 * a deterministic history: last month across tenants, keys, models, end users and tags, and spend
 * so far this month. The dashboard tests start a gateway on the file afterwards.
 */
import { LedgerWriter } from '../../src/ledger/ledger-writer.js';
import type { LedgerRow } from '../../src/ledger/types.js';
import { openDatabase } from '../../src/storage/database.js';

export interface SeedTenant {
  id: string;
  keys: string[];
  /** Nano-USD per call, last month. */
  callCost: number;
  /** Nano-USD spent so far this month. */
  monthSpend: number;
}

const models = [
  { model: 'gpt-4o', provider: 'openai' },
  { model: 'claude-sonnet', provider: 'anthropic' },
  { model: 'gemini-flash', provider: 'gemini' },
];

export async function seedLedger(path: string, tenants: SeedTenant[], now = Date.now()): Promise<LedgerRow[]> {
  const database = openDatabase(path);
  const writer = new LedgerWriter(database.$client, { flushMs: 1_000, batchSize: 2_000 });
  const rows: LedgerRow[] = [];
  const thisMonth = new Date(now);
  const monthStart = Date.UTC(thisMonth.getUTCFullYear(), thisMonth.getUTCMonth(), 1);
  const lastMonthStart = Date.UTC(thisMonth.getUTCFullYear(), thisMonth.getUTCMonth() - 1, 1);
  let sequence = 0;
  tenants.forEach((tenant, tenantIndex) => {
    // Last month: a call every ~3 hours, cycling through keys, models, users and tags.
    for (let time = lastMonthStart + tenantIndex * 600_000; time < monthStart; time += 10_800_000 + tenantIndex * 60_000) {
      sequence += 1;
      const { model, provider } = models[sequence % models.length];
      rows.push({
        id: `seed_${sequence}`,
        time,
        tenantId: tenant.id,
        keyId: tenant.keys[sequence % tenant.keys.length],
        kind: sequence % 5 === 0 ? 'prompt' : 'chat',
        promptName: sequence % 5 === 0 ? 'summarize' : null,
        promptVersion: sequence % 5 === 0 ? 1 : null,
        model,
        provider,
        status: sequence % 23 === 0 ? 502 : 200,
        inputTokens: 400 + (sequence % 50),
        outputTokens: 120 + (sequence % 30),
        cachedInputTokens: sequence % 4 === 0 ? 64 : 0,
        costNanoUsd: tenant.callCost + (sequence % 7) * 1_234_567,
        latencyMs: 300 + ((sequence * 37) % 2_000) + (provider === 'anthropic' ? Math.floor((time - lastMonthStart) / 86_400_000) * 40 : 0),
        ttfbMs: 100 + (sequence % 200),
        streamed: true,
        endUser: `user-${sequence % 4}`,
        tags: sequence % 2 === 0 ? '{"team":"search"}' : '{"feature":"autocomplete","team":"ads"}',
      });
    }
    // This month so far: the spend that drives the budgets, in ten calls before now.
    const elapsed = Math.max(60_000, now - monthStart);
    for (let index = 0; index < 10; index++) {
      sequence += 1;
      rows.push({
        id: `seed_${sequence}`,
        time: monthStart + Math.floor((elapsed * index) / 10),
        tenantId: tenant.id,
        keyId: tenant.keys[0],
        kind: 'chat',
        model: 'gpt-4o',
        provider: 'openai',
        status: 200,
        inputTokens: 1_000,
        outputTokens: 200,
        costNanoUsd: tenant.monthSpend / 10,
        latencyMs: 400,
        endUser: 'user-0',
      });
    }
  });
  for (const row of rows) writer.append(row);
  await writer.close();
  database.$client.close();
  return rows;
}
