/**
 * @module providers/openai
 * OpenAI, Azure OpenAI and OpenAI-compatible upstreams: a byte-level pass-through.
 */
import type { AzureOpenAIProviderConfig, OpenAIProviderConfig } from '../../schemas/config.js';
import type { ProviderAdapter } from '../types.js';
import { OpenAIProvider } from './provider.js';

export function createOpenAIProvider(name: string, config: OpenAIProviderConfig | AzureOpenAIProviderConfig): ProviderAdapter {
  return new OpenAIProvider(name, config);
}
