/**
 * @module schemas/openai-embeddings
 * The public contract of `POST /v1/embeddings`, following the OpenAI API: `input` is a string, an
 * array of strings, an array of token ids, or an array of token-id arrays.
 */
import { z } from 'zod';
import { maxEmbeddingDimensions, maxEmbeddingInputs, maxTokenId } from './limits.js';

const tokenIds = z.array(z.number().int().min(0).max(maxTokenId)).min(1);

export const embeddingsRequestSchema = z.looseObject({
  model: z.string().min(1),
  input: z.union([
    z.string(),
    z.array(z.string()).min(1).max(maxEmbeddingInputs),
    tokenIds,
    z.array(tokenIds).min(1).max(maxEmbeddingInputs),
  ]),
  encoding_format: z.enum(['float', 'base64']).optional(),
  dimensions: z.number().int().min(1).max(maxEmbeddingDimensions).optional(),
  user: z.string().optional(),
});

export type EmbeddingsRequest = z.infer<typeof embeddingsRequestSchema>;

export interface Embedding {
  object: 'embedding';
  index: number;
  embedding: number[] | string;
}

export interface EmbeddingsResponse {
  object: 'list';
  data: Embedding[];
  model: string;
  usage: { prompt_tokens: number; total_tokens: number };
}
