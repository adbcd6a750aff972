/**
 * @module protocols/responses
 * OpenAI's Responses API as an inbound protocol: the request mapped to the canonical chat request
 * (with a stored conversation before it), the answer, stream and errors mapped back, and what is
 * kept for `previous_response_id`. The only way in for the routes.
 */
import type { ChatResult, NormalizedUsage } from '../../providers/types.js';
import type { ChatMessage } from '../../schemas/openai-chat.js';
import type { InboundCodec } from '../../src/server/inbound-chat.js';
import { conversationOf } from './conversation.js';
import { toResponseObject, type ResponseObject, type ResponseShell } from './response.js';
import { ResponsesStreamEncoder } from './stream.js';

export { responseNotFound } from './errors.js';
export { inputMessages, toChatRequest } from './request.js';
export { newId, type ResponseObject, type ResponseShell } from './response.js';
export { responsesRequestSchema, type ResponsesRequest } from './schema.js';
export { ResponsesStreamEncoder } from './stream.js';
export { conversationOf } from './conversation.js';

export interface ResponsesCodecOptions {
  shell: ResponseShell;
  /** Called with every finished Response (translated or the upstream's own), for the store. */
  onResponse: (response: ResponseObject) => void;
}

export function responsesCodec({ shell, onResponse }: ResponsesCodecOptions): InboundCodec {
  return {
    protocol: 'responses',
    answer: (result: ChatResult, usage: NormalizedUsage) => {
      if (result.native !== undefined) {
        onResponse(JSON.parse(result.native) as ResponseObject);
        return result.native;
      }
      const response = toResponseObject(result.completion, usage, shell);
      onResponse(response);
      return JSON.stringify(response);
    },
    streamEncoder: () => new ResponsesStreamEncoder(shell, onResponse),
  };
}

/** The conversation a stored response continues: what was sent, then what it answered. */
export function storedConversation(sent: ChatMessage[], response: ResponseObject): ChatMessage[] {
  return [...sent, ...conversationOf(response.output)];
}
