/**
 * @module server/inbound-chat
 * A chat call that arrived in another protocol (Anthropic Messages, OpenAI Responses, Gemini,
 * legacy completions), once its protocol has mapped it to the canonical chat request: the same
 * metered chat call as `/v1/chat/completions` (`beginChatCall`: scope, price policy, quotas,
 * routing, ledger tagged with the protocol), answered through the protocol's codec.
 */
import type { Context } from 'hono';
import type { ChatResult, NativeRequest, NormalizedUsage } from '../../providers/types.js';
import type { ChatCompletionRequest } from '../../schemas/openai-chat.js';
import { beginChatCall, streamOutcome, usageOfResult } from '../calls/chat-call.js';
import { costHeader } from '../calls/metered-call.js';
import { toGatewayError } from '../errors/render-error.js';
import type { InboundProtocol } from '../ledger/types.js';
import type { GatewayEnv } from './gateway-env.js';
import { protocolStreamResponse, type StreamEncoder } from './protocol-stream.js';
import { tenantCaller } from './tenant-auth.js';
import { clientSignal } from './client-signal.js';
import { nodeOutgoing } from './node-objects.js';

/** One protocol's way to write an answer, built per request (a codec may keep what it wrote). */
export interface InboundCodec {
  protocol: InboundProtocol;
  /** The whole answer's JSON body: the upstream's own (`result.native`) or translated. */
  answer(result: ChatResult, usage: NormalizedUsage): string | Promise<string>;
  /** A fresh encoder for one stream. */
  streamEncoder(): StreamEncoder;
  /** The content type of a streamed answer, when not `text/event-stream`. */
  streamContentType?: string;
}

export interface InboundChat {
  request: ChatCompletionRequest;
  codec: InboundCodec;
  /** The client's own request, for an upstream that speaks the protocol natively. */
  native?: NativeRequest;
  /** Extra response headers (a protocol's own, beside the metering ones). */
  headers?: Record<string, string>;
}

export async function runInboundChat(context: Context<GatewayEnv>, { request, codec, native, headers }: InboundChat): Promise<Response> {
  const call = await beginChatCall(context.get('gateway'), request, {
    caller: tenantCaller(context),
    requestId: context.get('requestId'),
    signal: clientSignal(context),
    kind: 'chat',
    protocol: codec.protocol,
    native,
    cacheControl: context.req.header('cache-control'),
    requestHeader: (name) => context.req.header(name),
  });
  const { metered } = call;
  try {
    if (request.stream) {
      const parts = await call.stream(request);
      return protocolStreamResponse(parts, codec.streamEncoder(), {
        headers: { ...metered.responseHeaders, ...headers },
        contentType: codec.streamContentType,
        outgoing: nodeOutgoing(context.env),
        onFirstByte: () => metered.markFirstByte(),
        onFinish: async (summary) => `${costHeader}: ${metered.complete(await streamOutcome(request, summary))}`,
      });
    }
    const result = await call.complete(request);
    const measured = await usageOfResult(request, result);
    const body = await codec.answer(result, measured.usage);
    const cost = metered.complete({ status: 200, ...measured });
    const answerHeaders = Object.assign(metered.addResponseHeaders({ 'content-type': 'application/json' }), headers);
    answerHeaders[costHeader] = cost;
    return new Response(body, { headers: answerHeaders });
  } catch (error) {
    const gatewayError = toGatewayError(error);
    metered.fail(gatewayError);
    throw gatewayError;
  }
}
