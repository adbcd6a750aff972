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
import { trackCompletion } from '../calls/usage-or-estimate.js';
import type { GatewayError } from '../errors/gateway-error.js';
import { toGatewayError } from '../errors/render-error.js';
import { generatedTextFromChunks } from '../metering/index.js';
import { sseHeaders } from '../server/sse-response.js';
import { promptAnswer } from './run-prompt.js';

export interface PromptStreamContext {
  call: ChatCall;
  request: ChatCompletionRequest;
  definition: PromptDefinition;
  headers: Record<string, string>;
}

const encoder = new TextEncoder();
const event = (name: string, data: unknown) => encoder.encode(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);

export function promptStreamResponse(parts: AsyncIterable<ChatStreamPart>, context: PromptStreamContext): Response {
  const { call, request, definition } = context;
  const iterator = parts[Symbol.asyncIterator]();
  const forwarded: ChatStreamPart[] = [];
  let usage: NormalizedUsage | null = null;
  let output = '';
  let model = request.model;
  let finished = false;
  /** Settles the call once; resolves to the cost header value and the usage it was billed for. */
  const finish = (outcome: 'completed' | 'failed' | 'client_closed', error?: GatewayError) => {
    if (finished) return undefined;
    finished = true;
    return trackCompletion(
      streamOutcome(request, { outcome, usage, error, forwarded }).then((settled) => ({ cost: call.metered.complete(settled), usage: settled.usage })),
    );
  };

  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          for (;;) {
            const next = await iterator.next();
            if (next.done) {
              const settled = await finish('completed');
              if (settled) controller.enqueue(event('done', promptAnswer(definition, model, output, settled.usage, settled.cost)));
              controller.close();
              return;
            }
            const part = next.value;
            if (part.type === 'usage') {
              usage = part.usage;
              continue;
            }
            forwarded.push(part);
            if (part.type === 'chunk') model = part.chunk.model;
            const text = generatedTextFromChunks([part]);
            if (text) {
              call.metered.markFirstByte();
              output += text;
              controller.enqueue(event('delta', { text }));
              return;
            }
          }
        } catch (error) {
          const gatewayError = toGatewayError(error);
          if (finished) return;
          finish(gatewayError.code === 'client_closed_request' ? 'client_closed' : 'failed', gatewayError);
          controller.enqueue(event('error', gatewayError.toBody()));
          controller.close();
        }
      },
      async cancel() {
        finish('client_closed');
        await iterator.return?.();
      },
    },
    { highWaterMark: 0 },
  );
  return new Response(body, { status: 200, headers: { ...sseHeaders, ...context.headers } });
}
