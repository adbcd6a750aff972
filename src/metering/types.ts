/**
 * @module metering/types
 * Prices and costs. Rates are integer pico-dollars (1e-12 USD) per token — "USD per million
 * tokens" × 1e6 — so every published price (down to a millionth of a dollar per million tokens)
 * is an exact integer. A call's cost is rounded once, to integer nano-dollars (1e-9 USD).
 */
export interface ModelPrice {
  input: number;
  cachedInput: number;
  cacheWrite: number;
  output: number;
  reasoning: number;
  /** Epoch milliseconds from which this price applies. */
  effectiveFrom: number;
  /** Where the price came from, e.g. `config`, `import:prices.json`, `catalogue:litellm@2026-07-24`. */
  source: string;
  /** Dearer rates once a prompt passes a length; only catalogue prices have them. */
  longContext?: LongContextRates;
}

/** What a price is looked up by: the public name first, then the provider's own model name. */
export interface PriceLookup {
  publicModel: string;
  providerType: string;
  upstreamModel: string;
  /** Epoch milliseconds of the call. */
  time: number;
  /** A model group's deployment with its own configured price: asked for first (see models/model-group.ts). */
  deploymentPriceKey?: string;
}

/** A deployment as the price book sees it: everything of a lookup but the time. */
export type PricedDeployment = Omit<PriceLookup, 'time'>;

export interface PriceBook {
  /** The price in force at `lookup.time`, or undefined when the model has none. */
  priceFor(lookup: PriceLookup): ModelPrice | undefined;
}

/** The five per-token rates, in integer pico-dollars per token. */
export type TokenRates = Pick<ModelPrice, 'input' | 'cachedInput' | 'cacheWrite' | 'output' | 'reasoning'>;

/**
 * Dearer rates for every token of a call whose prompt (input + cache reads + cache writes) is
 * longer than `aboveInputTokens`, as Anthropic (above 200k), Gemini (above 128k or 200k) and some
 * OpenAI models (above 272k) charge. Only the built-in catalogue carries them.
 */
export interface LongContextRates extends TokenRates {
  aboveInputTokens: number;
}

/** One model of the built-in catalogue (`catalogue.json`), rates in pico-dollars per token. */
export interface CatalogueEntry extends TokenRates {
  /** LiteLLM's `litellm_provider`: openai, anthropic, gemini or azure. */
  provider: string;
  mode: 'chat' | 'embedding';
  longContext?: LongContextRates;
  maxInputTokens?: number;
  maxOutputTokens?: number;
}

export interface PriceCatalogue {
  /** Where the prices were taken from (repository, commit, file). */
  source: string;
  /** The day the source was retrieved (YYYY-MM-DD). */
  retrievedAt: string;
  /** Keyed by LiteLLM's model key, e.g. `gpt-4o-mini`, `gemini/gemini-2.5-flash`, `azure/gpt-4o`. */
  models: Record<string, CatalogueEntry>;
}
