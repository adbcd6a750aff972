/**
 * @module metering/litellm-format
 * Reads LiteLLM's community price table (`model_prices_and_context_window.json`: one entry per
 * model key, USD per token) into Tollgate's integer pico-dollar rates. Shared by the price import
 * (`import-prices.ts`) and the script that builds the built-in catalogue.
 *
 * Taken: `input_cost_per_token`, `output_cost_per_token`, `cache_read_input_token_cost`,
 * `cache_creation_input_token_cost` (the 5-minute cache write), `output_cost_per_reasoning_token`,
 * the `*_above_<N>k_tokens` long-context rates, `max_input_tokens` and `max_output_tokens`.
 * Ignored: batch, flex and priority rates, 1-hour cache writes, per-character, per-image, per-second
 * and per-query prices, none of which a chat or embeddings usage figure can express.
 * Rates are rounded half up to the pico-dollar: the file holds float noise
 * (0.0000029999900000000002 USD per token is 2,999,990 pico-dollars).
 */
import { usdPerTokenToPicoPerToken } from './decimal.js';
import { withFallbacks, type StatedRates } from './rates.js';
import type { CatalogueEntry, LongContextRates } from './types.js';

export interface LiteLlmModel {
  provider: string;
  mode: 'chat' | 'embedding';
  rates: StatedRates;
  longContext?: LongContextRates;
  maxInputTokens?: number;
  maxOutputTokens?: number;
}

export type LiteLlmEntryResult = { ok: true; model: LiteLlmModel } | { ok: false; reason: string };

const longContextInputField = /^input_cost_per_token_above_(\d+)k_tokens$/;

/** The file's top-level object; throws when the text is not JSON or not an object of entries. */
export function parseLiteLlmFile(fileText: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fileText);
  } catch (error) {
    throw new Error(`the price file is not JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error('the price file must be a JSON object of model entries (LiteLLM model_prices_and_context_window.json format)');
  }
  return parsed as Record<string, unknown>;
}

/** One entry, or why it cannot be a chat or embeddings price. */
export function readLiteLlmEntry(key: string, value: unknown): LiteLlmEntryResult {
  if (key === 'sample_spec') return { ok: false, reason: 'the format description, not a model' };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, reason: 'not a model entry' };
  const entry = value as Record<string, unknown>;
  const mode = entry.mode;
  if (mode !== 'chat' && mode !== 'embedding') {
    return { ok: false, reason: `mode ${mode === undefined ? 'absent' : JSON.stringify(mode)} is neither chat nor embedding` };
  }
  try {
    const input = requiredRate(entry, 'input_cost_per_token');
    // An embedding produces no output tokens, so a missing output price costs nothing.
    const output = mode === 'embedding' && entry.output_cost_per_token === undefined ? 0 : requiredRate(entry, 'output_cost_per_token');
    const rates: StatedRates = {
      input,
      output,
      cachedInput: optionalRate(entry, 'cache_read_input_token_cost'),
      cacheWrite: optionalRate(entry, 'cache_creation_input_token_cost'),
      reasoning: optionalRate(entry, 'output_cost_per_reasoning_token'),
    };
    return {
      ok: true,
      model: {
        provider: typeof entry.litellm_provider === 'string' ? entry.litellm_provider : '',
        mode,
        rates,
        longContext: longContextRates(entry, rates),
        maxInputTokens: tokenLimit(entry.max_input_tokens),
        maxOutputTokens: tokenLimit(entry.max_output_tokens),
      },
    };
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
}

/** The catalogue's shape of a LiteLLM model: every rate explicit. */
export function toCatalogueEntry(model: LiteLlmModel): CatalogueEntry {
  const entry: CatalogueEntry = { provider: model.provider, mode: model.mode, ...withFallbacks(model.rates) };
  if (model.longContext) entry.longContext = model.longContext;
  if (model.maxInputTokens !== undefined) entry.maxInputTokens = model.maxInputTokens;
  if (model.maxOutputTokens !== undefined) entry.maxOutputTokens = model.maxOutputTokens;
  return entry;
}

/**
 * The `*_above_<N>k_tokens` rates, when the entry has them (the lowest threshold if several). A
 * cache rate the tier does not restate keeps the base's stated rate, else falls back to the tier's
 * input; reasoning follows the tier's output rate.
 */
function longContextRates(entry: Record<string, unknown>, base: StatedRates): LongContextRates | undefined {
  const thresholds = Object.keys(entry)
    .map((field) => longContextInputField.exec(field)?.[1])
    .filter((thousands): thousands is string => thousands !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
  if (thresholds.length === 0) return undefined;
  const suffix = `_above_${thresholds[0]}k_tokens`;
  const tier = withFallbacks({
    input: requiredRate(entry, `input_cost_per_token${suffix}`),
    output: optionalRate(entry, `output_cost_per_token${suffix}`) ?? base.output,
    cachedInput: optionalRate(entry, `cache_read_input_token_cost${suffix}`) ?? base.cachedInput,
    cacheWrite: optionalRate(entry, `cache_creation_input_token_cost${suffix}`) ?? base.cacheWrite,
  });
  return { aboveInputTokens: thresholds[0] * 1000, ...tier };
}

function requiredRate(entry: Record<string, unknown>, field: string): number {
  const rate = optionalRate(entry, field);
  if (rate === undefined) throw new Error(`no ${field}`);
  return rate;
}

function optionalRate(entry: Record<string, unknown>, field: string): number | undefined {
  const value = entry[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' && typeof value !== 'string') throw new Error(`${field} is not a number`);
  try {
    // The file is written from floats computed in Python: noise such as 0.0000029999900000000002.
    return usdPerTokenToPicoPerToken(value, 'halfUp');
  } catch (error) {
    throw new Error(`${field}: ${(error as Error).message}`);
  }
}

function tokenLimit(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : undefined;
}
