/**
 * @module providers/anthropic
 * Anthropic's Messages API behind the OpenAI chat contract. No embeddings: Anthropic has none.
 */
import type { AnthropicProviderConfig } from '../../schemas/config.js';
import type { ProviderAdapter } from '../types.js';
import { AnthropicProvider } from './provider.js';

export function createAnthropicProvider(name: string, config: AnthropicProviderConfig): ProviderAdapter {
  return new AnthropicProvider(name, config);
}
