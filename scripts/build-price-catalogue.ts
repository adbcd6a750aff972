/**
 * Builds `src/metering/catalogue.json`, Tollgate's built-in prices, from LiteLLM's community price
 * table: chat and embedding models of the providers Tollgate speaks to natively (openai,
 * anthropic, gemini, azure), in pico-dollars per token with every rate explicit.
 *
 *   npx tsx scripts/build-price-catalogue.ts [FILE] [--source TEXT] [--retrieved-at YYYY-MM-DD]
 *
 * FILE defaults to the shared conformance copy (prices/model_prices_and_context_window.json). When
 * taking a newer copy, say where it came from and when, so every built-in price stays dated.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseLiteLlmFile, readLiteLlmEntry, toCatalogueEntry } from '../src/metering/litellm-format.js';
import type { CatalogueEntry, PriceCatalogue } from '../src/metering/types.js';
import { conformancePath } from '../test/helpers/conformance.js';

const providers = new Set(['openai', 'anthropic', 'gemini', 'azure']);
const modes = new Set(['chat', 'embedding']);
const outputFile = fileURLToPath(new URL('../src/metering/catalogue.json', import.meta.url));

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    source: { type: 'string', default: 'RoCry/llm-api-price@8442b939 model_prices_and_context_window.json (LiteLLM community price table)' },
    'retrieved-at': { type: 'string', default: '2026-07-24' },
  },
});
if (!/^\d{4}-\d{2}-\d{2}$/.test(values['retrieved-at'])) throw new Error('--retrieved-at must be a date, YYYY-MM-DD');

const inputFile = positionals[0] ?? conformancePath('prices', 'model_prices_and_context_window.json');
const entries = parseLiteLlmFile(readFileSync(inputFile, 'utf8'));
const models: Record<string, CatalogueEntry> = {};
const refused: string[] = [];
for (const key of Object.keys(entries).sort()) {
  const entry = entries[key] as { litellm_provider?: unknown; mode?: unknown } | null;
  if (!providers.has(String(entry?.litellm_provider)) || !modes.has(String(entry?.mode))) continue;
  const result = readLiteLlmEntry(key, entry);
  if (result.ok) models[key] = toCatalogueEntry(result.model);
  else refused.push(`${key}: ${result.reason}`);
}

const catalogue: PriceCatalogue = { source: values.source, retrievedAt: values['retrieved-at'], models };
writeFileSync(outputFile, formatCatalogue(catalogue));
console.log(`${Object.keys(models).length} models written to ${outputFile}`);
for (const line of refused) console.log(`left out ${line}`);

/** One model per line, keys sorted: a new price file reads as a short diff. */
function formatCatalogue({ models: byKey, ...header }: PriceCatalogue): string {
  const lines = Object.entries(byKey).map(([key, entry]) => `    ${JSON.stringify(key)}: ${JSON.stringify(entry)}`);
  const head = Object.entries(header).map(([field, value]) => `  ${JSON.stringify(field)}: ${JSON.stringify(value)},`);
  return ['{', ...head, '  "unit": "pico-USD per token",', '  "models": {', lines.join(',\n'), '  }', '}', ''].join('\n');
}
