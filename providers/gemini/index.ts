/**
 * @module providers/gemini
 * The Gemini API (Google AI) behind the OpenAI chat and embeddings shapes. The only way in.
 */
import type { GeminiProviderConfig } from '../../schemas/config.js';
import { registerSecret } from '../../src/logging/logger.js';
import type { ProviderAdapter } from '../types.js';
import { GeminiProvider } from './provider.js';

export function createGeminiProvider(name: string, config: GeminiProviderConfig): ProviderAdapter {
  // Google echoes a rejected key in its error details; registering it keeps it out of every log line.
  registerSecret(config.apiKey);
  return new GeminiProvider(name, config);
}
