import { describe, expect, it } from 'vitest';
import { embeddingsRequestSchema } from '../../schemas/openai-embeddings.js';
import { embeddingInputs, float32Base64, toBatchEmbedRequest, toEmbeddingsResponse } from './embeddings.js';

describe('embeddings mapping', () => {
  it('sends one request per input with outputDimensionality', () => {
    expect(toBatchEmbedRequest(['a', 'b'], 'models/text-embedding-004', 3)).toEqual({
      requests: [
        { model: 'models/text-embedding-004', content: { parts: [{ text: 'a' }] }, outputDimensionality: 3 },
        { model: 'models/text-embedding-004', content: { parts: [{ text: 'b' }] }, outputDimensionality: 3 },
      ],
    });
  });

  it('refuses token-id inputs', () => {
    const request = embeddingsRequestSchema.parse({ model: 'm', input: [1, 2, 3] });
    expect(() => embeddingInputs(request, 'gemini')).toThrow(expect.objectContaining({ status: 400, code: 'unsupported_parameter' }));
    expect(embeddingInputs(embeddingsRequestSchema.parse({ model: 'm', input: 'x' }), 'gemini')).toEqual(['x']);
  });

  it('answers in the OpenAI shape with estimated usage, float or base64', () => {
    const upstream = { embeddings: [{ values: [0.5, -1.25] }, { values: [1, 2] }] };
    const inputs = ['hello', 'hi'];
    const floats = toEmbeddingsResponse(upstream, inputs, { provider: 'gemini', model: 'text-embedding-004', encodingFormat: undefined });
    expect(floats.response).toEqual({
      object: 'list',
      data: [
        { object: 'embedding', index: 0, embedding: [0.5, -1.25] },
        { object: 'embedding', index: 1, embedding: [1, 2] },
      ],
      model: 'text-embedding-004',
      usage: { prompt_tokens: 3, total_tokens: 3 },
    });
    expect(floats.usage).toMatchObject({ inputTokens: 3, outputTokens: 0 });
    const base64 = toEmbeddingsResponse(upstream, inputs, { provider: 'gemini', model: 'm', encodingFormat: 'base64' });
    const decoded = new Float32Array(new Uint8Array(Buffer.from(base64.response.data[0]!.embedding as string, 'base64')).buffer);
    expect([...decoded]).toEqual([0.5, -1.25]);
  });

  it('encodes float32 little-endian, as OpenAI does', () => {
    expect(float32Base64([1])).toBe(Buffer.from([0, 0, 0x80, 0x3f]).toString('base64'));
  });

  it('answers 502 when the count does not match', () => {
    expect(() => toEmbeddingsResponse({ embeddings: [] }, ['a'], { provider: 'gemini', model: 'm', encodingFormat: 'float' })).toThrow(
      expect.objectContaining({ status: 502 }),
    );
  });
});
