/**
 * @module providers/gemini/embeddings
 * OpenAI embeddings ⇄ Gemini `batchEmbedContents`.
 * https://ai.google.dev/api/embeddings#method:-models.batchembedcontents
 *
 * One `EmbedContentRequest` per input string, in order; `dimensions` → `outputDimensionality`.
 * Token-id inputs cannot be sent (Gemini takes text only). Gemini reports no token counts for
 * embeddings, so usage is an estimate of one token per four characters of each input (rounded up),
 * the usual rule of thumb for English text: good enough for quotas, not an invoice.
 * `encoding_format: 'base64'` is what OpenAI sends: the float32 little-endian bytes, base64.
 */
import type { EmbeddingsRequest, EmbeddingsResponse } from '../../schemas/openai-embeddings.js';
import { GatewayError, unsupported } from '../../src/errors/gateway-error.js';
import { emptyUsage, type NormalizedUsage } from '../types.js';

export interface BatchEmbedContentsRequest {
  requests: Array<{ model: string; content: { parts: Array<{ text: string }> }; outputDimensionality?: number }>;
}

export interface BatchEmbedContentsResponse {
  embeddings?: Array<{ values?: number[] | null }> | null;
}

export function embeddingInputs(request: EmbeddingsRequest, provider: string): string[] {
  const inputs = typeof request.input === 'string' ? [request.input] : request.input;
  if (!inputs.every((input): input is string => typeof input === 'string')) {
    throw unsupported(provider, 'token-id input for embeddings', 'input');
  }
  return inputs;
}

/** `modelPath` is `models/<name>` (or `tunedModels/<name>`), as Gemini wants it in each request. */
export function toBatchEmbedRequest(inputs: string[], modelPath: string, dimensions: number | undefined): BatchEmbedContentsRequest {
  return {
    requests: inputs.map((text) => ({
      model: modelPath,
      content: { parts: [{ text }] },
      ...(dimensions !== undefined ? { outputDimensionality: dimensions } : {}),
    })),
  };
}

export interface EmbeddingsAnswerOptions {
  provider: string;
  /** The name the answer reports: the upstream model, as chat answers do. */
  model: string;
  encodingFormat: EmbeddingsRequest['encoding_format'];
}

export function toEmbeddingsResponse(
  response: BatchEmbedContentsResponse,
  inputs: string[],
  { provider, model, encodingFormat }: EmbeddingsAnswerOptions,
): { response: EmbeddingsResponse; usage: NormalizedUsage } {
  const embeddings = Array.isArray(response.embeddings) ? response.embeddings : [];
  if (embeddings.length !== inputs.length) {
    throw new GatewayError(502, `${provider} returned ${embeddings.length} embeddings for ${inputs.length} inputs`, {
      type: 'upstream_error',
      code: 'upstream_invalid_response',
    });
  }
  const base64 = encodingFormat === 'base64';
  const promptTokens = inputs.reduce((sum, input) => sum + Math.ceil(input.length / 4), 0);
  const usage: NormalizedUsage = { ...emptyUsage(), inputTokens: promptTokens, raw: { estimated: true, characters: totalLength(inputs) } };
  return {
    response: {
      object: 'list',
      data: embeddings.map((embedding, index) => {
        const values = vectorOf(embedding, provider);
        return { object: 'embedding', index, embedding: base64 ? float32Base64(values) : values };
      }),
      model,
      usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
    },
    usage,
  };
}

/** An embedding's values, once they are what a vector must be: a non-empty array of numbers. */
function vectorOf(embedding: { values?: unknown } | null | undefined, provider: string): number[] {
  const values = embedding?.values;
  if (Array.isArray(values) && values.length > 0 && values.every((value) => typeof value === 'number')) return values as number[];
  throw new GatewayError(502, `${provider} returned an embedding that is not a list of numbers`, {
    type: 'upstream_error',
    code: 'upstream_invalid_response',
  });
}

export function float32Base64(values: number[]): string {
  const bytes = Buffer.allocUnsafe(values.length * 4);
  values.forEach((value, index) => bytes.writeFloatLE(value, index * 4));
  return bytes.toString('base64');
}

function totalLength(inputs: string[]): number {
  return inputs.reduce((sum, input) => sum + input.length, 0);
}
