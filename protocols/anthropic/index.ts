/**
 * @module protocols/anthropic
 * Anthropic's Messages API as an inbound protocol: the request mapped to the canonical chat
 * request, the answer, stream and errors mapped back. The only way in for the routes.
 */
import type { ChatResult, NormalizedUsage } from '../../providers/types.js';
import type { InboundCodec } from '../../src/server/inbound-chat.js';
import { toAnthropicMessage } from './response.js';
import { AnthropicStreamEncoder } from './stream.js';

export { anthropicErrorBody, anthropicErrorEvent } from './errors.js';
export { toAnthropicModel, toAnthropicModelList } from './models.js';
export { promptPart, toChatRequest } from './request.js';
export { countTokensRequestSchema, messagesRequestSchema, type CountTokensRequest, type MessagesRequest } from './schema.js';
export { AnthropicStreamEncoder } from './stream.js';
export { toAnthropicMessage } from './response.js';

/** Client headers that say how to read a Messages body: forwarded with it to an Anthropic upstream. */
export const nativeHeaderNames = ['anthropic-version', 'anthropic-beta'] as const;

export function anthropicCodec(publicModel: string): InboundCodec {
  return {
    protocol: 'anthropic',
    answer: (result: ChatResult, usage: NormalizedUsage) => result.native ?? JSON.stringify(toAnthropicMessage(result.completion, usage, publicModel)),
    streamEncoder: () => new AnthropicStreamEncoder(publicModel),
  };
}
