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
}

/** What a price is looked up by: the public name first, then the provider's own model name. */
export interface PriceLookup {
  publicModel: string;
  providerType: string;
  upstreamModel: string;
  /** Epoch milliseconds of the call. */
  time: number;
}

export interface PriceBook {
  /** The price in force at `lookup.time`, or undefined when the model has none. */
  priceFor(lookup: PriceLookup): ModelPrice | undefined;
}
