import { readFileSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { conformancePath } from '../../test/helpers/conformance.js';
import { openDatabase, type TollgateDatabase } from '../storage/database.js';
import { prices } from '../storage/schema.js';
import { importPrices } from './import-prices.js';
import { InMemoryPriceBook } from './price-book.js';

const litellmFile = readFileSync(conformancePath('prices', 'model_prices_and_context_window.json'), 'utf8');

let database: TollgateDatabase;
beforeEach(() => {
  database = openDatabase(':memory:');
});
afterEach(() => {
  database.$client.close();
});

describe('importPrices', () => {
  it('imports every chat and embedding model of the shared LiteLLM file and names what it skipped', () => {
    const started = performance.now();
    const result = importPrices(database, litellmFile, { source: 'import:model_prices_and_context_window.json' });
    const elapsed = performance.now() - started;
    const entries = Object.keys(JSON.parse(litellmFile)).length;
    // 2,409 chat and embedding entries, less 117 without an input price.
    expect(result.imported).toBe(2292);
    expect(result.imported + result.skipped.length).toBe(entries);
    expect(database.select().from(prices).all()).toHaveLength(result.imported);
    expect(elapsed).toBeLessThan(5000);

    const reasons = new Map(result.skipped.map(({ key, reason }) => [key, reason]));
    expect(reasons.get('sample_spec')).toBe('the format description, not a model');
    expect(reasons.get('last_updated')).toBe('not a model entry');
    expect(reasons.get('dall-e-3')).toBe('mode "image_generation" is neither chat nor embedding');
    expect(reasons.get('fireworks-ai-default')).toBe('mode absent is neither chat nor embedding');
    expect(reasons.get('openai/container')).toBe('no input_cost_per_token');
  });

  it('stores pico-dollar rates, null where the file sets none, float noise rounded away', () => {
    importPrices(database, litellmFile, { source: 'import:test' });
    // 0.000015000020000000002 and 0.00007500003000000001 USD per token in the file.
    const [databricks] = database.select().from(prices).where(eq(prices.model, 'databricks/databricks-claude-opus-4')).all();
    expect(databricks).toMatchObject({ input: 15_000_020, output: 75_000_030 });
    const [mini] = database.select().from(prices).where(eq(prices.model, 'gpt-4o-mini')).all();
    expect(mini).toMatchObject({ effectiveFrom: 0, input: 150_000, cachedInput: 75_000, cacheWrite: null, output: 600_000, reasoning: null, source: 'import:test' });
    const [sonnet] = database.select().from(prices).where(eq(prices.model, 'claude-sonnet-4-5')).all();
    expect(sonnet).toMatchObject({ input: 3_000_000, cachedInput: 300_000, cacheWrite: 3_750_000, output: 15_000_000 });
  });

  it('replaces a row with the same model and date, and keeps a history across dates', () => {
    const file = (input: number) => JSON.stringify({ 'my-model': { mode: 'chat', input_cost_per_token: input, output_cost_per_token: 2e-6 } });
    importPrices(database, file(1e-6), { source: 'import:a' });
    importPrices(database, file(1.5e-6), { source: 'import:b' });
    importPrices(database, file(3e-6), { source: 'import:c', effectiveFrom: Date.parse('2026-09-01') });
    const rows = database.select().from(prices).where(eq(prices.model, 'my-model')).all();
    expect(rows.map((row) => [row.effectiveFrom, row.input, row.source])).toEqual([
      [0, 1_500_000, 'import:b'],
      [Date.parse('2026-09-01'), 3_000_000, 'import:c'],
    ]);
    const book = new InMemoryPriceBook({ database });
    const at = (time: number) => book.priceFor({ publicModel: 'my-model', providerType: 'openai', upstreamModel: 'x', time })?.input;
    expect(at(Date.parse('2026-08-31'))).toBe(1_500_000);
    expect(at(Date.parse('2026-09-01'))).toBe(3_000_000);
  });

  it('skips entries it cannot read, and lets an embedding go without an output price', () => {
    const result = importPrices(
      database,
      JSON.stringify({
        negative: { mode: 'chat', input_cost_per_token: -1e-6, output_cost_per_token: 1e-6 },
        words: { mode: 'chat', input_cost_per_token: 'cheap', output_cost_per_token: 1e-6 },
        'no-output': { mode: 'chat', input_cost_per_token: 1e-6 },
        embed: { mode: 'embedding', input_cost_per_token: 1e-7 },
      }),
      { source: 'import:test' },
    );
    expect(result.imported).toBe(1);
    expect(result.skipped).toEqual([
      { key: 'negative', reason: 'input_cost_per_token: -0.000001 USD per token is negative' },
      { key: 'words', reason: 'input_cost_per_token: "cheap" is not a decimal number of USD per token' },
      { key: 'no-output', reason: 'no output_cost_per_token' },
    ]);
    expect(database.select().from(prices).all()).toMatchObject([{ model: 'embed', input: 100_000, output: 0 }]);
  });

  it('refuses a file that is not a JSON object', () => {
    expect(() => importPrices(database, 'not json', { source: 'x' })).toThrow(/not JSON/);
    expect(() => importPrices(database, '[]', { source: 'x' })).toThrow(/must be a JSON object/);
  });
});
