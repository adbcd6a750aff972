/**
 * @module metering/price-book
 * The prices in force, held in memory so the hot path never waits on SQL. Three sources, each a
 * map from a model name to its price history sorted by `effectiveFrom`:
 *
 * - the database `prices` table (imported or set at runtime), re-read by `reload()`;
 * - the configuration file's `models.<public name>.price` (one price, or a list: a history);
 * - the built-in catalogue (`catalogue.json`, LiteLLM's prices on a known date).
 *
 * `priceFor` asks, in order: a model group deployment's own configured price, the database for the public name, the config for the public name, the
 * database for the provider's own model names, the catalogue for those names. Within a source the
 * entry with the latest `effectiveFrom <= time` wins; a source with no entry in force yet at that
 * time is passed over.
 *
 * @example
 * const book = new InMemoryPriceBook({ database, models: config.models });
 * setInterval(() => book.reload(), 60_000).unref();
 * book.priceFor({ publicModel: 'fast', providerType: 'gemini', upstreamModel: 'gemini-2.5-flash', time: Date.now() });
 */
import type { PriceConfig } from '../../schemas/config.js';
import type { TollgateDatabase } from '../storage/database.js';
import { prices } from '../storage/schema.js';
import type { PostgresDatabase } from '../storage/pg/postgres-database.js';
import { prices as pgPrices } from '../storage/pg/schema.js';
import builtInCatalogue from './catalogue.json' with { type: 'json' };
import { usdPerMillionToPicoPerToken } from './decimal.js';
import { withFallbacks } from './rates.js';
import type { ModelPrice, PriceBook, PriceCatalogue, PriceLookup } from './types.js';

/** The built-in catalogue: chat and embedding prices of openai, anthropic, gemini and azure models. */
export const priceCatalogue = builtInCatalogue as PriceCatalogue;

export interface PriceBookSources {
  /** Rows of the `prices` table; omitted: no runtime prices. */
  database?: TollgateDatabase;
  /** The shared `prices` table instead, with `storage.postgres`: `reload()` is then asynchronous. */
  postgres?: PostgresDatabase;
  /** The configuration's `models`, keyed by public name. */
  models?: Record<string, { price?: PriceConfig | PriceConfig[] }>;
  /** Defaults to the built-in catalogue. */
  catalogue?: PriceCatalogue;
}

type Histories = Map<string, ModelPrice[]>;

export class InMemoryPriceBook implements PriceBook {
  private databasePrices: Histories = new Map();
  private readonly configPrices: Histories;
  private readonly cataloguePrices: Histories;
  private readonly catalogue: PriceCatalogue;

  /** Throws, naming the model and field, when a configured price is not exact or its date is unreadable. */
  constructor(private readonly sources: PriceBookSources = {}) {
    this.catalogue = sources.catalogue ?? priceCatalogue;
    this.configPrices = configHistories(sources.models ?? {});
    this.cataloguePrices = catalogueHistories(this.catalogue);
    // PostgreSQL is read asynchronously: its caller awaits `reload()` before serving.
    if (!sources.postgres) this.reload();
  }

  /**
   * Re-reads the database's prices (one query, then a swap); returns how many rows it holds. From
   * PostgreSQL the promise of that; the book goes on answering from the previous rows meanwhile.
   */
  reload(): number | Promise<number> {
    const { postgres, database } = this.sources;
    if (postgres) return postgres.select().from(pgPrices).then((rows) => this.replaceRows(rows));
    if (!database) return 0;
    return this.replaceRows(database.select().from(prices).all());
  }

  private replaceRows(rows: ReadonlyArray<typeof prices.$inferSelect>): number {
    const histories: Histories = new Map();
    for (const row of rows) {
      const price: ModelPrice = { ...withFallbacks(row), effectiveFrom: row.effectiveFrom, source: row.source };
      appendTo(histories, row.model, price);
    }
    this.databasePrices = sortHistories(histories);
    return rows.length;
  }

  priceFor({ publicModel, providerType, upstreamModel, time, deploymentPriceKey }: PriceLookup): ModelPrice | undefined {
    const deployment = deploymentPriceKey === undefined ? undefined : inForce(this.configPrices.get(deploymentPriceKey), time);
    if (deployment) return deployment;
    const own = inForce(this.databasePrices.get(publicModel), time) ?? inForce(this.configPrices.get(publicModel), time);
    if (own) return own;
    const candidates = upstreamCandidates(providerType, upstreamModel);
    for (const name of candidates) {
      const price = inForce(this.databasePrices.get(name), time);
      if (price) return price;
    }
    for (const name of candidates) {
      const price = inForce(this.cataloguePrices.get(name), time);
      if (price) return price;
    }
    return undefined;
  }

  /** The catalogue's `max_output_tokens` for the provider's model, when it has one. */
  maxOutputTokensFor(providerType: string, upstreamModel: string): number | undefined {
    for (const name of upstreamCandidates(providerType, upstreamModel)) {
      const limit = this.catalogue.models[name]?.maxOutputTokens;
      if (limit !== undefined) return limit;
    }
    return undefined;
  }
}

/** The names a provider's model goes by in price tables (LiteLLM keys), most specific first. */
export function upstreamCandidates(providerType: string, upstreamModel: string): string[] {
  switch (providerType) {
    case 'gemini': {
      // Gemini accepts `models/<name>` as well as the bare name.
      const name = upstreamModel.startsWith('models/') ? upstreamModel.slice('models/'.length) : upstreamModel;
      return [`gemini/${name}`, name];
    }
    case 'anthropic':
      return [upstreamModel, `anthropic/${upstreamModel}`];
    case 'openai':
    case 'openai-compatible':
      return [upstreamModel, `openai/${upstreamModel}`];
    case 'azure-openai':
      return [`azure/${upstreamModel}`, upstreamModel];
    case 'mock':
      return [];
    default:
      return [upstreamModel];
  }
}

/** The entry with the latest `effectiveFrom <= time`; histories are sorted oldest first and short. */
function inForce(history: ModelPrice[] | undefined, time: number): ModelPrice | undefined {
  if (!history) return undefined;
  for (let index = history.length - 1; index >= 0; index--) {
    if (history[index].effectiveFrom <= time) return history[index];
  }
  return undefined;
}

function configHistories(models: NonNullable<PriceBookSources['models']>): Histories {
  const histories: Histories = new Map();
  for (const [name, model] of Object.entries(models)) {
    if (model.price === undefined) continue;
    const list = Array.isArray(model.price) ? model.price : [model.price];
    list.forEach((price, index) => {
      const path = Array.isArray(model.price) ? `models.${name}.price[${index}]` : `models.${name}.price`;
      appendTo(histories, name, configPrice(price, path));
    });
    const dates = histories.get(name)!.map((price) => price.effectiveFrom);
    if (new Set(dates).size !== dates.length) throw new Error(`models.${name}.price: two prices take effect at the same time`);
  }
  return sortHistories(histories);
}

function configPrice(price: PriceConfig, path: string): ModelPrice {
  const rate = (field: keyof Omit<PriceConfig, 'effectiveFrom'>) => {
    const value = price[field];
    if (value === undefined) return undefined;
    try {
      return usdPerMillionToPicoPerToken(value);
    } catch (error) {
      throw new Error(`${path}.${field}: ${(error as Error).message}`);
    }
  };
  const rates = withFallbacks({
    input: rate('input')!,
    output: rate('output')!,
    cachedInput: rate('cachedInput'),
    cacheWrite: rate('cacheWrite'),
    reasoning: rate('reasoning'),
  });
  return { ...rates, effectiveFrom: effectiveFromTime(price.effectiveFrom, path), source: 'config' };
}

/** A date means its UTC midnight; an instant is taken as written; absent means always. */
export function effectiveFromTime(effectiveFrom: string | undefined, path = 'effectiveFrom'): number {
  if (effectiveFrom === undefined) return 0;
  const time = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(effectiveFrom) ? `${effectiveFrom}T00:00:00Z` : effectiveFrom);
  if (Number.isNaN(time)) throw new Error(`${path}.effectiveFrom: ${JSON.stringify(effectiveFrom)} is not a date`);
  return time;
}

function catalogueHistories(catalogue: PriceCatalogue): Histories {
  const source = `catalogue:litellm@${catalogue.retrievedAt}`;
  const histories: Histories = new Map();
  for (const [name, entry] of Object.entries(catalogue.models)) {
    const { input, cachedInput, cacheWrite, output, reasoning, longContext } = entry;
    const price: ModelPrice = { input, cachedInput, cacheWrite, output, reasoning, effectiveFrom: 0, source };
    if (longContext) price.longContext = longContext;
    histories.set(name, [price]);
  }
  return histories;
}

function appendTo(histories: Histories, model: string, price: ModelPrice): void {
  const history = histories.get(model);
  if (history) history.push(price);
  else histories.set(model, [price]);
}

function sortHistories(histories: Histories): Histories {
  for (const history of histories.values()) history.sort((a, b) => a.effectiveFrom - b.effectiveFrom);
  return histories;
}
