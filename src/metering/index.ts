/**
 * @module metering
 * Prices, exact costs and token estimation. The only way in: everything else imports from here.
 * Units: rates are integer pico-dollars (1e-12 USD) per token, costs integer nano-dollars (1e-9 USD).
 */
export type { CatalogueEntry, LongContextRates, ModelPrice, PriceBook, PriceCatalogue, PriceLookup, TokenRates } from './types.js';
export { formatNanoUsd, formatPicoPerTokenAsUsdPerMillion, usdPerMillionToPicoPerToken, usdPerTokenToPicoPerToken, usdToNano, type Rounding } from './decimal.js';
export { costNanoUsd, worstCaseCostNanoUsd } from './cost.js';
export { effectiveFromTime, InMemoryPriceBook, priceCatalogue, upstreamCandidates, type PriceBookSources } from './price-book.js';
export { importPrices, type ImportPricesOptions, type ImportPricesResult } from './import-prices.js';
export { chatPromptParts, chatPromptText, embeddingsPromptParts, embeddingsTokenUpperBound, promptTokenUpperBound, type PromptBoundOptions, type PromptParts } from './estimate-tokens.js';
export { tightPromptTokenBound, tokenizerMargin } from './tight-token-bound.js';
export { countTokens, estimateUsage, warmUpTokenizer } from './count-tokens.js';
export { TokenCounterThread, tokenCounterThread } from './token-counter-thread.js';
export { generatedTextFromChunks, type GeneratedPart } from './generated-text.js';
