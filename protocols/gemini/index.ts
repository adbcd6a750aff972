/**
 * @module protocols/gemini
 * Google's Gemini API (`generateContent`, `streamGenerateContent`) as an inbound protocol: the
 * request mapped to the canonical chat request, the answer, stream and errors mapped back. The
 * only way in for the routes.
 */
import type { ChatResult, NormalizedUsage } from '../../providers/types.js';
import type { InboundCodec } from '../../src/server/inbound-chat.js';
import { toGenerateContentResponse } from './response.js';
import { GeminiStreamEncoder } from './stream.js';

export { geminiErrorBody, geminiErrorEvent } from './errors.js';
export { toChatRequest, toJsonSchema } from './request.js';
export { generateContentRequestSchema, type GenerateContentRequest } from './schema.js';
export { GeminiStreamEncoder } from './stream.js';

export function geminiCodec(publicModel: string, framing: 'sse' | 'json-array'): InboundCodec {
  return {
    protocol: 'gemini',
    answer: (result: ChatResult, usage: NormalizedUsage) => JSON.stringify(toGenerateContentResponse(result.completion, usage, publicModel)),
    streamEncoder: () => new GeminiStreamEncoder(publicModel, framing),
    streamContentType: framing === 'sse' ? undefined : 'application/json; charset=UTF-8',
  };
}
