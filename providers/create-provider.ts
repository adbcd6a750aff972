/**
 * @module providers/create-provider
 * The one place that knows every provider type: configuration in, adapter out. Adapters are
 * loaded only when configured: the Anthropic SDK alone costs ~16 MB of memory to load.
 */
import type { ProviderConfig } from '../schemas/config.js';
import { registerProviderSecrets } from './shared/provider-secrets.js';
import { withDefaultLimits, type ResponseLimits } from './shared/response-limits.js';
import type { ProviderAdapter } from './types.js';

/**
 * `limits` are the gateway-wide `upstream:` settings, for providers that set none of their own.
 * Every secret in the configuration is registered for redaction before the adapter exists.
 */
export async function createProvider(name: string, config: ProviderConfig, limits: Partial<ResponseLimits> = {}): Promise<ProviderAdapter> {
  if (config.type !== 'mock') registerProviderSecrets(config);
  switch (config.type) {
    case 'openai':
    case 'openai-compatible':
    case 'azure-openai':
      return (await import('./openai/index.js')).createOpenAIProvider(name, withDefaultLimits(config, limits));
    case 'anthropic':
      return (await import('./anthropic/index.js')).createAnthropicProvider(name, withDefaultLimits(config, limits));
    case 'gemini':
      return (await import('./gemini/index.js')).createGeminiProvider(name, withDefaultLimits(config, limits));
    case 'mock':
      return (await import('./mock/index.js')).createMockProvider(name, config);
    default: {
      const unknownConfig: never = config;
      throw new Error(`unknown provider type in ${JSON.stringify(unknownConfig)}`);
    }
  }
}
