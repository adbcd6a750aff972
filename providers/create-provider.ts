/**
 * @module providers/create-provider
 * The one place that knows every provider type: configuration in, adapter out.
 */
import type { ProviderConfig } from '../schemas/config.js';
import { createAnthropicProvider } from './anthropic/index.js';
import { createGeminiProvider } from './gemini/index.js';
import { createMockProvider } from './mock/index.js';
import { createOpenAIProvider } from './openai/index.js';
import type { ProviderAdapter } from './types.js';

export function createProvider(name: string, config: ProviderConfig): ProviderAdapter {
  switch (config.type) {
    case 'openai':
    case 'openai-compatible':
    case 'azure-openai':
      return createOpenAIProvider(name, config);
    case 'anthropic':
      return createAnthropicProvider(name, config);
    case 'gemini':
      return createGeminiProvider(name, config);
    case 'mock':
      return createMockProvider(name, config);
    default: {
      const unknownConfig: never = config;
      throw new Error(`unknown provider type in ${JSON.stringify(unknownConfig)}`);
    }
  }
}
