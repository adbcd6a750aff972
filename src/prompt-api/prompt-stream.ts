/**
 * @module prompt-api/prompt-stream
 * A text prompt's answer as Server-Sent Events: `event: delta` with `{"text": "..."}` as the
 * model writes, then `event: done` with the same object a non-streamed call answers (output,
 * model, prompt, usage, cost), or `event: error` with an OpenAI-shaped error. Pulls one part per
 * read, so bytes leave as they arrive; a client that goes away aborts the upstream call and is
 * billed for what was generated.
 */
import type { ChatCompletionRequest } from '../../schemas/openai-chat.js';
import type { PromptDefinition } from '../../schemas/prompt-file.js';
import type { ChatStreamPart, NormalizedUsage } from '../../providers/types.js';
import { streamOutcome, type ChatCall } from '../calls/chat-call.js';
import { ForwardedSample } from '../calls/forwarded-sample.js';
import type { GatewayError } from '../errors/gateway-error.js';
import { describeError } from '../errors/render-error.js';
import { logger } from '../logging/logger.js';
import { generatedTextFromChunks } from '../metering/index.js';
import type { ServerResponse } from 'node:http';
import { streamBody } from '../server/node-stream-body.js';
import { sseHeaders } from '../server/sse-response.js';
import { promptAnswer } from './run-prompt.js';

export interface PromptStreamContext {
  call: ChatCall;
  request: ChatCompletionRequest;
  definition: PromptDefinition;
  headers: Record<string, string>;
  /** Node's response when served by the Node adapter: the events are then written to it directly. */
  outgoing?: ServerResponse;
}

const event = (name: string, data: unknown) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;

export function promptStreamResponse(parts: AsyncIterable<ChatStreamPart>, context: PromptStreamContext): Response {
  const { call, request, definition } = context;
  const forwarded = new ForwardedSample();
  let usage: NormalizedUsage | null = null;
  let output = '';
  // The prompt's own model name, as every answer shows the name the call asked for.
  const model = definition.model;
  /** Settles the call; resolves to the cost header value and the usage it was billed for. */
  const finish = async (outcome: 'completed' | 'failed' | 'client_closed', error?: GatewayError) => {
    const settled = await streamOutcome(request, { outcome, usage, error, forwarded: forwarded.parts, outputScale: forwarded.outputScale, nothingForwarded: forwarded.empty });
    return { cost: call.metered.complete(settled), usage: settled.usage };
  };
  /** For the ends nobody waits on: a failure is logged, never left unhandled. */
  const finishQuietly = (outcome: 'failed' | 'client_closed', error?: GatewayError) => {
    finish(outcome, error).catch((failure) => logger.error('settling a prompt stream failed', { error: describeError(failure) }));
  };

  const body = streamBody(parts, {
    encode: (part) => {
      if (part.type === 'usage') {
        usage = part.usage;
        return undefined;
      }
      const text = generatedTextFromChunks([part]);
      forwarded.add(part, text.length);
      if (!text) return undefined;
      output += text;
      return event('delta', { text });
    },
    firstByte: () => call.metered.markFirstByte(),
    end: async () => {
      const settled = await finish('completed');
      return event('done', promptAnswer(definition, model, output, settled.usage, settled.cost));
    },
    fail: (error) => {
      finishQuietly(error.code === 'client_closed_request' ? 'client_closed' : 'failed', error);
      return event('error', error.toBody());
    },
    cancel: () => finishQuietly('client_closed'),
  }, context.outgoing);
  return new Response(body, { status: 200, headers: { ...sseHeaders, ...context.headers } });
}
