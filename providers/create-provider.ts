/**
 * @module providers/create-provider
 * The one place that knows every provider type: configuration in, adapter out. Adapters are
 * loaded only when configured: the Anthropic SDK alone costs ~16 MB of memory to load.
 */
import type { ProviderConfig } from '../schemas/config.js';
import type { ProviderAdapter } from './types.js';

export async function createProvider(name: string, config: ProviderConfig): Promise<ProviderAdapter> {
  switch (config.type) {
    case 'openai':
    case 'openai-compatible':
    case 'azure-openai':
      return (await import('./openai/index.js')).createOpenAIProvider(name, config);
    case 'anthropic':
      return (await import('./anthropic/index.js')).createAnthropicProvider(name, config);
    case 'gemini':
      return (await import('./gemini/index.js')).createGeminiProvider(name, config);
    case 'mock':
      return (await import('./mock/index.js')).createMockProvider(name, config);
    default: {
      const unknownConfig: never = config;
      throw new Error(`unknown provider type in ${JSON.stringify(unknownConfig)}`);
    }
  }
}
