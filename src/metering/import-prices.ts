/**
 * @module metering/import-prices
 * `tollgate prices import FILE`: reads a price file in LiteLLM's format
 * (`model_prices_and_context_window.json`, USD per token) into the `prices` table, one row per
 * chat or embedding model, keyed by the file's own model key. A row that already exists for the
 * same model and `effectiveFrom` is replaced; the whole import is one transaction. Rates the file
 * leaves unset are stored as null and fall back (cache read and write to input, reasoning to
 * output) when read. Long-context rates are not stored: the table has no columns for them.
 *
 * @example
 * const { imported, skipped } = importPrices(database, readFileSync(file, 'utf8'), { source: `import:${basename(file)}` });
 */
import { sql } from 'drizzle-orm';
import type { TollgateDatabase } from '../storage/database.js';
import { prices } from '../storage/schema.js';
import { bumpPgChange } from '../storage/pg/pg-change-counters.js';
import type { PostgresDatabase } from '../storage/pg/postgres-database.js';
import { prices as pgPrices } from '../storage/pg/schema.js';
import { writeTransaction } from '../storage/write-transaction.js';
import { parseLiteLlmFile, readLiteLlmEntry } from './litellm-format.js';
import { announceChange } from '../coordination/local-changes.js';

export interface ImportPricesOptions {
  /** Epoch milliseconds from which the imported prices apply; default 0, i.e. always. */
  effectiveFrom?: number;
  /** Recorded on every row, e.g. `import:model_prices_and_context_window.json`. */
  source: string;
}

export interface ImportPricesResult {
  imported: number;
  skipped: Array<{ key: string; reason: string }>;
}

/** Throws when the text is not a JSON object; an entry it cannot use is skipped and named with the reason. */
export function importPrices(db: TollgateDatabase, fileText: string, options: ImportPricesOptions): ImportPricesResult {
  const { rows, skipped } = priceRows(fileText, options);
  writeTransaction(db, (transaction) => {
    for (const row of rows) transaction.insert(prices).values(row).onConflictDoUpdate({ target: [prices.model, prices.effectiveFrom], set: replacedRates }).run();
  });
  announceChange('prices');
  return { imported: rows.length, skipped };
}

/** The same into the shared PostgreSQL database, bumping the `prices` change counter in the same transaction. */
export async function importPricesIntoPostgres(db: PostgresDatabase, fileText: string, options: ImportPricesOptions): Promise<ImportPricesResult> {
  const { rows, skipped } = priceRows(fileText, options);
  await db.transaction(async (transaction) => {
    for (const row of rows) await transaction.insert(pgPrices).values(row).onConflictDoUpdate({ target: [pgPrices.model, pgPrices.effectiveFrom], set: replacedRates });
    await bumpPgChange(transaction, 'prices');
  });
  announceChange('prices');
  return { imported: rows.length, skipped };
}

/** A row for the same model and `effectiveFrom` is replaced (the same SQL in both dialects). */
const replacedRates = {
  input: sql`excluded.input`,
  cachedInput: sql`excluded.cached_input`,
  cacheWrite: sql`excluded.cache_write`,
  output: sql`excluded.output`,
  reasoning: sql`excluded.reasoning`,
  source: sql`excluded.source`,
  createdAt: sql`excluded.created_at`,
};

function priceRows(fileText: string, options: ImportPricesOptions): { rows: Array<typeof prices.$inferInsert>; skipped: ImportPricesResult['skipped'] } {
  const effectiveFrom = options.effectiveFrom ?? 0;
  if (!Number.isSafeInteger(effectiveFrom) || effectiveFrom < 0) throw new RangeError(`effectiveFrom must be epoch milliseconds, got ${effectiveFrom}`);
  const entries = parseLiteLlmFile(fileText);
  const createdAt = Date.now();
  const rows: Array<typeof prices.$inferInsert> = [];
  const skipped: ImportPricesResult['skipped'] = [];
  for (const [key, value] of Object.entries(entries)) {
    const result = readLiteLlmEntry(key, value);
    if (!result.ok) {
      skipped.push({ key, reason: result.reason });
      continue;
    }
    const { input, output, cachedInput, cacheWrite, reasoning } = result.model.rates;
    rows.push({ model: key, effectiveFrom, input, output, cachedInput, cacheWrite, reasoning, source: options.source, createdAt });
  }
  return { rows, skipped };
}
