/**
 * @module protocols/completions
 * OpenAI's legacy completions (`POST /v1/completions`) as an inbound protocol, served by any
 * configured chat model: the request mapped to the canonical chat request, the answer and stream
 * mapped back. The only way in for the route.
 */
import type { ChatResult, NormalizedUsage } from '../../providers/types.js';
import type { InboundCodec } from '../../src/server/inbound-chat.js';
import { promptText } from './request.js';
import { toTextCompletion } from './response.js';
import type { CompletionsRequest } from './schema.js';
import { CompletionsStreamEncoder } from './stream.js';

export { completionsRequestSchema, type CompletionsRequest } from './schema.js';
export { toChatRequest } from './request.js';

export function completionsCodec(request: CompletionsRequest): InboundCodec {
  const echoed = request.echo ? promptText(request) : '';
  return {
    protocol: 'completions',
    answer: (result: ChatResult, usage: NormalizedUsage) => JSON.stringify(toTextCompletion(result.completion, usage, echoed)),
    streamEncoder: () => new CompletionsStreamEncoder(echoed, request.stream_options?.include_usage === true),
  };
}
