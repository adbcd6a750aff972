import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PriceConfig } from '../../schemas/config.js';
import { openDatabase, type TollgateDatabase } from '../storage/database.js';
import { prices } from '../storage/schema.js';
import { effectiveFromTime, InMemoryPriceBook, upstreamCandidates } from './price-book.js';
import type { PriceLookup } from './types.js';

const now = Date.parse('2026-08-01T12:00:00Z');
const lookup = (overrides: Partial<PriceLookup>): PriceLookup => ({
  publicModel: 'fast',
  providerType: 'openai',
  upstreamModel: 'gpt-4o-mini',
  time: now,
  ...overrides,
});

let database: TollgateDatabase;
beforeEach(() => {
  database = openDatabase(':memory:');
});
afterEach(() => {
  database.$client.close();
});

function insertPrice(model: string, input: number, effectiveFrom = 0, extra: Partial<typeof prices.$inferInsert> = {}): void {
  database
    .insert(prices)
    .values({ model, effectiveFrom, input, output: input * 4, source: `test:${model}`, createdAt: 0, ...extra })
    .run();
}

describe('InMemoryPriceBook lookup order', () => {
  const configured = { fast: { price: { input: '1', output: '2' } satisfies PriceConfig } };

  it('asks the database for the public name, then the config, then the database and the catalogue for the upstream names', () => {
    insertPrice('fast', 9_000_000);
    insertPrice('gpt-4o-mini', 8_000_000);
    const book = new InMemoryPriceBook({ database, models: configured });
    expect(book.priceFor(lookup({}))).toMatchObject({ input: 9_000_000, source: 'test:fast' });

    database.delete(prices).run();
    insertPrice('gpt-4o-mini', 8_000_000);
    book.reload();
    expect(book.priceFor(lookup({}))).toMatchObject({ input: 1_000_000, output: 2_000_000, source: 'config' });
    expect(book.priceFor(lookup({ publicModel: 'other' }))).toMatchObject({ input: 8_000_000, source: 'test:gpt-4o-mini' });

    database.delete(prices).run();
    book.reload();
    expect(book.priceFor(lookup({ publicModel: 'other' }))).toMatchObject({ input: 150_000, source: 'catalogue:litellm@2026-07-24' });
  });

  it('tries every database name before the catalogue', () => {
    insertPrice('openai/gpt-4o-mini', 7_000_000);
    const book = new InMemoryPriceBook({ database });
    expect(book.priceFor(lookup({}))?.input).toBe(7_000_000);
  });

  it('answers undefined for a model no source knows, and for the mock provider', () => {
    const book = new InMemoryPriceBook({ database });
    expect(book.priceFor(lookup({ publicModel: 'x', upstreamModel: 'no-such-model' }))).toBeUndefined();
    expect(book.priceFor(lookup({ providerType: 'mock' }))).toBeUndefined();
  });

  it('fills unset database rates from input and output', () => {
    insertPrice('fast', 1_000_000, 0, { output: 5_000_000, cachedInput: 100_000 });
    const price = new InMemoryPriceBook({ database }).priceFor(lookup({}));
    expect(price).toMatchObject({ input: 1_000_000, cachedInput: 100_000, cacheWrite: 1_000_000, output: 5_000_000, reasoning: 5_000_000 });
  });

  it('reads the database once per reload, not per lookup', () => {
    const book = new InMemoryPriceBook({ database });
    insertPrice('fast', 9_000_000);
    expect(book.priceFor(lookup({}))?.source).toMatch(/^catalogue:/);
    expect(book.reload()).toBe(1);
    expect(book.priceFor(lookup({}))?.source).toBe('test:fast');
  });
});

describe('InMemoryPriceBook effective dates', () => {
  const august = Date.parse('2026-08-01T00:00:00Z');

  it('applies a config price change from its date; earlier calls keep the old price', () => {
    const book = new InMemoryPriceBook({
      models: {
        fast: {
          price: [
            { input: '0.2', output: '0.8', effectiveFrom: '2026-08-01' },
            { input: '0.1', output: '0.4' },
            { input: '0.3', output: '1.2', effectiveFrom: '2026-09-01T00:00:00+02:00' },
          ],
        },
      },
    });
    expect(book.priceFor(lookup({ time: august - 1 }))?.input).toBe(100_000);
    expect(book.priceFor(lookup({ time: august }))?.input).toBe(200_000);
    expect(book.priceFor(lookup({ time: Date.parse('2026-08-31T21:59:59Z') }))?.input).toBe(200_000);
    expect(book.priceFor(lookup({ time: Date.parse('2026-08-31T22:00:00Z') }))?.input).toBe(300_000);
  });

  it('keeps a database history, and passes over a source whose first price is not in force yet', () => {
    insertPrice('fast', 2_000_000, august);
    insertPrice('fast', 3_000_000, august + 86_400_000);
    const book = new InMemoryPriceBook({ database, models: { fast: { price: { input: '1', output: '1' } } } });
    expect(book.priceFor(lookup({ time: august - 1 }))).toMatchObject({ input: 1_000_000, source: 'config' });
    expect(book.priceFor(lookup({ time: august + 1 }))?.input).toBe(2_000_000);
    expect(book.priceFor(lookup({ time: august + 86_400_000 }))?.input).toBe(3_000_000);
  });

  it('reads dates as UTC midnight, instants as written, and absence as always', () => {
    expect(effectiveFromTime('2026-08-01')).toBe(august);
    expect(effectiveFromTime('2026-08-01T02:00:00+02:00')).toBe(august);
    expect(effectiveFromTime(undefined)).toBe(0);
  });
});

describe('InMemoryPriceBook config errors', () => {
  it('names the model and field of a price it cannot hold exactly', () => {
    expect(() => new InMemoryPriceBook({ models: { fast: { price: [{ input: '1', output: '1' }, { input: '0.0000001', output: '1', effectiveFrom: '2026-01-01' }] } } })).toThrow(
      /models\.fast\.price\[1\]\.input: 0\.0000001 USD per million tokens is finer than one pico-dollar per token/,
    );
  });

  it('refuses two prices taking effect at the same time', () => {
    expect(() => new InMemoryPriceBook({ models: { fast: { price: [{ input: '1', output: '1' }, { input: '2', output: '2' }] } } })).toThrow(
      /models\.fast\.price: two prices take effect at the same time/,
    );
  });
});

describe('the built-in catalogue', () => {
  const book = new InMemoryPriceBook();
  const upstream = (providerType: string, upstreamModel: string) => book.priceFor(lookup({ publicModel: 'public', providerType, upstreamModel }));

  it('prices the default models', () => {
    expect(upstream('openai', 'gpt-4o-mini')).toMatchObject({ input: 150_000, cachedInput: 75_000, output: 600_000 });
    expect(upstream('anthropic', 'claude-sonnet-4-5')).toMatchObject({ input: 3_000_000, cachedInput: 300_000, cacheWrite: 3_750_000, output: 15_000_000 });
    expect(upstream('openai', 'text-embedding-3-small')).toMatchObject({ input: 20_000, output: 0 });
    expect(upstream('azure-openai', 'gpt-4o')).toMatchObject({ input: 2_500_000, output: 10_000_000 });
  });

  it('finds Gemini models under gemini/, with or without models/', () => {
    const flash = upstream('gemini', 'gemini-2.5-flash');
    expect(flash).toMatchObject({ input: 300_000, cachedInput: 30_000, output: 2_500_000, reasoning: 2_500_000 });
    expect(upstream('gemini', 'models/gemini-2.5-flash')).toEqual(flash);
    expect(upstream('gemini', 'gemini-embedding-001')).toMatchObject({ input: 150_000 });
  });

  it('records its source and date on every price', () => {
    expect(upstream('openai', 'gpt-4o-mini')).toMatchObject({ effectiveFrom: 0, source: 'catalogue:litellm@2026-07-24' });
  });

  it('knows models’ output limits', () => {
    expect(book.maxOutputTokensFor('openai', 'gpt-4o-mini')).toBe(16_384);
    expect(book.maxOutputTokensFor('gemini', 'gemini-2.5-flash')).toBe(65_535);
    expect(book.maxOutputTokensFor('mock', 'gpt-4o-mini')).toBeUndefined();
  });
});

describe('upstreamCandidates', () => {
  it('follows LiteLLM’s keys per provider type', () => {
    expect(upstreamCandidates('gemini', 'gemini-2.5-flash')).toEqual(['gemini/gemini-2.5-flash', 'gemini-2.5-flash']);
    expect(upstreamCandidates('anthropic', 'claude-sonnet-4-5')).toEqual(['claude-sonnet-4-5', 'anthropic/claude-sonnet-4-5']);
    expect(upstreamCandidates('openai-compatible', 'm')).toEqual(['m', 'openai/m']);
    expect(upstreamCandidates('azure-openai', 'gpt-4o')).toEqual(['azure/gpt-4o', 'gpt-4o']);
    expect(upstreamCandidates('mock', 'echo')).toEqual([]);
  });
});
