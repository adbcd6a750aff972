/**
 * @module providers/mock
 * The built-in mock provider: no network, no key, deterministic answers.
 */
import type { MockProviderConfig } from '../../schemas/config.js';
import type { ProviderAdapter } from '../types.js';
import { MockProvider } from './provider.js';

export function createMockProvider(name: string, config: MockProviderConfig): ProviderAdapter {
  return new MockProvider(name, config);
}
