/**
 * @module providers/mock/embeddings
 * Deterministic unit-length vectors: the same input always embeds to the same vector, different
 * inputs almost never do. `dimensions` picks the length (16 by default). One answer holds at most
 * `maxMockEmbeddingValues` numbers (inputs × dimensions): about 2.5 MB of JSON, built in tens of
 * milliseconds, where 2,048 inputs of 16,384 dimensions would block the gateway for seconds.
 */
import type { EmbeddingsRequest } from '../../schemas/openai-embeddings.js';
import { GatewayError } from '../../src/errors/gateway-error.js';
import type { EmbeddingsResult } from '../types.js';

const defaultDimensions = 16;
export const maxMockEmbeddingValues = 131_072;

export function mockEmbeddings(request: EmbeddingsRequest, model: string): EmbeddingsResult {
  const inputs = normaliseInputs(request.input);
  const dimensions = request.dimensions ?? defaultDimensions;
  if (inputs.length * dimensions > maxMockEmbeddingValues) {
    throw new GatewayError(
      400,
      `The mock provider answers at most ${maxMockEmbeddingValues} embedding values (inputs × dimensions) per request; this one asks for ${inputs.length} × ${dimensions}.`,
      { code: 'invalid_request_body', param: 'dimensions' },
    );
  }
  let promptTokens = 0;
  const data = inputs.map((input, index) => {
    promptTokens += Math.max(1, Math.ceil(input.length / 4));
    const vector = vectorFor(input, dimensions);
    return {
      object: 'embedding' as const,
      index,
      embedding: request.encoding_format === 'base64' ? toBase64(vector) : vector,
    };
  });
  return {
    response: { object: 'list', data, model, usage: { prompt_tokens: promptTokens, total_tokens: promptTokens } },
    usage: { inputTokens: promptTokens, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0 },
  };
}

function normaliseInputs(input: EmbeddingsRequest['input']): string[] {
  if (typeof input === 'string') return [input];
  if (input.every((item) => typeof item === 'string')) return input as string[];
  if (input.every((item) => typeof item === 'number')) return [(input as number[]).join(' ')];
  return (input as number[][]).map((tokens) => tokens.join(' '));
}

function vectorFor(text: string, dimensions: number): number[] {
  let state = 2_166_136_261;
  for (let index = 0; index < text.length; index++) state = Math.imul(state ^ text.charCodeAt(index), 16_777_619) >>> 0;
  const vector: number[] = [];
  let squares = 0;
  for (let index = 0; index < dimensions; index++) {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    const value = state / 2 ** 31 - 1;
    vector.push(value);
    squares += value * value;
  }
  // Summed in the loop: `Math.hypot(...vector)` spreads every value onto the stack.
  const length = Math.sqrt(squares) || 1;
  return vector.map((value) => Math.round((value / length) * 1e6) / 1e6);
}

/** OpenAI's base64 format: the float32 little-endian bytes of the vector. */
function toBase64(vector: number[]): string {
  return Buffer.from(new Float32Array(vector).buffer).toString('base64');
}
