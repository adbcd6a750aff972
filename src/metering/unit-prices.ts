/**
 * @module metering/unit-prices
 * Prices of calls billed per unit rather than per token: per image generated, per second of audio
 * transcribed, per character spoken or moderated. A model's `unitPrice` in the configuration
 * wins; otherwise the built-in table below, taken from the LiteLLM community price table
 * (`model_prices_and_context_window.json`, 2026-07-24) for OpenAI's models whose price is per
 * unit. Rates are integer nano-dollars per unit, exact.
 */
import type { ModelConfig } from '../../schemas/config.js';
import { usdToNano } from './decimal.js';

export type Unit = 'image' | 'second' | 'character';

/** USD per unit, as the source states them. */
const builtIn: Record<string, Partial<Record<Unit, string>>> = {
  'dall-e-2': { image: '0.02' },
  'dall-e-3': { image: '0.04' },
  'whisper-1': { second: '0.0001' },
  'tts-1': { character: '0.000015' },
  'tts-1-hd': { character: '0.00003' },
  'omni-moderation-latest': { character: '0' },
  'omni-moderation-2024-09-26': { character: '0' },
  'text-moderation-latest': { character: '0' },
  'text-moderation-stable': { character: '0' },
};

const configKey: Record<Unit, 'perImage' | 'perSecond' | 'perCharacter'> = { image: 'perImage', second: 'perSecond', character: 'perCharacter' };

/** Nano-USD per unit, or undefined when the model has no price for this unit. */
export function unitPriceNano(unit: Unit, model: { config: ModelConfig | undefined; upstreamModel: string }): number | undefined {
  const configured = model.config?.unitPrice?.[configKey[unit]];
  if (configured !== undefined) return usdToNano(configured);
  const known = builtIn[model.upstreamModel]?.[unit];
  return known === undefined ? undefined : usdToNano(known);
}
