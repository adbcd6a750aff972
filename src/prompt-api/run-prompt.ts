/**
 * @module prompt-api/run-prompt
 * Calling a prompt: validate the variables, render the template safely, then one metered chat call
 * (the same path as `/v1/chat/completions`, tagged with the prompt's name and version). JSON
 * prompts ask the provider for native structured output, validate the answer against the output
 * schema, and make one repair attempt before giving up with a 502 that carries the raw text.
 */
import type { ServerResponse } from 'node:http';
import type { ChatCompletionRequest, ChatMessage } from '../../schemas/openai-chat.js';
import { parseBoundedJson } from '../../providers/shared/json-structure.js';
import type { PromptDefinition } from '../../schemas/prompt-file.js';
import { toOpenAIUsage } from '../../providers/shared/openai-usage.js';
import type { ChatResult, NormalizedUsage } from '../../providers/types.js';
import type { TenantCaller } from '../auth/authenticate.js';
import { beginChatCall, usageOfResult, type ChatCall } from '../calls/chat-call.js';
import type { CallLabels } from '../calls/call-labels.js';
import { costHeader } from '../calls/metered-call.js';
import { GatewayError } from '../errors/gateway-error.js';
import { toGatewayError } from '../errors/render-error.js';
import { renderPrompt, validatePromptInput, validatePromptOutput } from '../prompts/index.js';
import type { PromptVersion } from '../prompts/types.js';
import type { GatewayServices } from '../server/gateway-env.js';
import { promptStreamResponse } from './prompt-stream.js';

export interface PromptCallOptions {
  caller: TenantCaller;
  requestId: string;
  signal: AbortSignal;
  stream: boolean;
  labels?: CallLabels;
  /** The client's `Cache-Control` request header, for the response cache. */
  cacheControl?: string;
  /** Reads a client request header, for a model group balanced by `hash:<header>`. */
  requestHeader?: (name: string) => string | undefined;
  /** Node's response when served by the Node adapter, for a streamed answer. */
  outgoing?: ServerResponse;
}

export async function runPrompt(services: GatewayServices, version: PromptVersion, variables: unknown, options: PromptCallOptions): Promise<Response> {
  const { definition } = version;
  if (options.stream && definition.output.type === 'json') {
    throw new GatewayError(400, `The prompt \`${definition.name}\` answers JSON; streaming is available for text prompts only.`, {
      code: 'stream_not_supported',
      param: 'stream',
    });
  }
  const validated = validatePromptInput(version, variables);
  const request = chatRequestFor(definition, renderPrompt(version, validated), options.stream);
  const call = await beginChatCall(services, request, {
    caller: options.caller,
    requestId: options.requestId,
    signal: options.signal,
    kind: 'prompt',
    prompt: { name: definition.name, version: definition.version },
    labels: options.labels,
    cacheControl: options.cacheControl,
    requestHeader: options.requestHeader,
  });
  // Read once the call ran: they say how the cache answered.
  const headers = () => ({ ...call.metered.responseHeaders, ...deprecationHeaders(version) });
  try {
    if (options.stream) {
      const parts = await call.stream(request);
      return promptStreamResponse(parts, { call, request, definition, headers: headers(), outgoing: options.outgoing });
    }
    return await answerOnce(call, request, version, headers);
  } catch (error) {
    const gatewayError = toGatewayError(error);
    call.metered.fail(gatewayError);
    throw gatewayError;
  }
}

async function answerOnce(call: ChatCall, request: ChatCompletionRequest, version: PromptVersion, headers: () => Record<string, string>): Promise<Response> {
  const { definition } = version;
  const first = await call.complete(request);
  const firstUsage = await usageOfResult(request, first);
  if (definition.output.type === 'text') {
    const cost = call.metered.complete({ status: 200, ...firstUsage });
    return promptJsonResponse(definition, textOf(first), firstUsage.usage, cost, headers());
  }
  const firstText = textOf(first);
  const firstCheck = checkJson(version, firstText);
  if (firstCheck.ok) {
    const cost = call.metered.complete({ status: 200, ...firstUsage });
    return promptJsonResponse(definition, firstCheck.value, firstUsage.usage, cost, headers());
  }
  // One repair attempt: show the model its answer and what was wrong with it.
  const repairRequest = { ...request, messages: [...request.messages, ...repairMessages(firstText, firstCheck.errors)] };
  let second: ChatResult;
  try {
    second = await call.complete(repairRequest);
  } catch (error) {
    call.metered.complete({ status: toGatewayError(error).status, ...firstUsage, errorCode: toGatewayError(error).code });
    throw error;
  }
  const secondUsage = await usageOfResult(repairRequest, second);
  const usage = addUsage(firstUsage.usage, secondUsage.usage);
  const estimated = firstUsage.estimated || secondUsage.estimated;
  const secondText = textOf(second);
  const secondCheck = checkJson(version, secondText);
  if (!secondCheck.ok) {
    call.metered.complete({ status: 502, usage, estimated, errorCode: 'invalid_model_output' });
    throw new GatewayError(
      502,
      `The model's answer did not match the output schema of \`${definition.name}\`, even after one repair attempt (${secondCheck.errors.join('; ')}). Raw answer: ${excerpt(secondText)}`,
      { type: 'upstream_error', code: 'invalid_model_output' },
    );
  }
  const cost = call.metered.complete({ status: 200, usage, estimated });
  return promptJsonResponse(definition, secondCheck.value, usage, cost, headers());
}

/** The chat request a prompt becomes: its model and parameters, and native structured output for JSON. */
function chatRequestFor(definition: PromptDefinition, messages: ChatMessage[], stream: boolean): ChatCompletionRequest {
  const request: ChatCompletionRequest = { model: definition.model, messages, ...definition.parameters };
  if (stream) {
    request.stream = true;
  }
  if (definition.output.type === 'json') {
    request.response_format = {
      type: 'json_schema',
      json_schema: { name: definition.name.replaceAll('-', '_'), schema: definition.output.schema, strict: true },
    };
  }
  return request;
}

/**
 * How deep a JSON prompt's answer may nest. The answer is walked by Ajv and serialised again for
 * the client (`JSON.stringify` overflows the stack on a few thousand levels, a 500 for a call that
 * already ran and was billed), so an answer nested deeper is invalid output: it gets the one repair
 * attempt, then a 502, like one that breaks the schema. The bound is checked by a scan before
 * parsing, so nothing recursive ever sees such an answer.
 */
const maxOutputDepth = 64;

type JsonCheck = { ok: true; value: unknown } | { ok: false; errors: string[] };

function checkJson(version: PromptVersion, text: string): JsonCheck {
  let value: unknown;
  try {
    value = parseBoundedJson(withoutCodeFence(text), maxOutputDepth);
  } catch (error) {
    return { ok: false, errors: [error instanceof RangeError ? `the answer nests deeper than ${maxOutputDepth} levels` : 'the answer is not valid JSON'] };
  }
  const result = validatePromptOutput(version, value);
  return result.valid ? { ok: true, value } : { ok: false, errors: result.errors };
}

/** Models without native structured output often wrap JSON in a Markdown code fence. */
function withoutCodeFence(text: string): string {
  const match = /^\s*```(?:json)?\s*\n([\s\S]*?)\n?```\s*$/.exec(text);
  return match ? match[1] : text;
}

function repairMessages(previousAnswer: string, errors: string[]): ChatMessage[] {
  return [
    { role: 'assistant', content: previousAnswer },
    {
      role: 'user',
      content: `That answer does not match the required JSON Schema: ${errors.join('; ')}. Answer again with only the corrected JSON value, nothing else.`,
    },
  ];
}

/** The model's text as quoted in an error: enough to see what went wrong, never the whole of a huge answer. */
function excerpt(text: string): string {
  return text.length > 2_000 ? `${text.slice(0, 2_000)}… (${text.length} characters)` : text;
}

function textOf(result: ChatResult): string {
  return result.completion.choices[0]?.message.content ?? '';
}

function addUsage(first: NormalizedUsage, second: NormalizedUsage): NormalizedUsage {
  return {
    inputTokens: first.inputTokens + second.inputTokens,
    cachedInputTokens: first.cachedInputTokens + second.cachedInputTokens,
    cacheWriteTokens: first.cacheWriteTokens + second.cacheWriteTokens,
    outputTokens: first.outputTokens + second.outputTokens,
    reasoningTokens: first.reasoningTokens + second.reasoningTokens,
    raw: [first.raw, second.raw],
  };
}

export function promptAnswer(definition: PromptDefinition, model: string, output: unknown, usage: NormalizedUsage, cost: string) {
  return {
    output,
    model,
    prompt: { name: definition.name, version: definition.version },
    usage: toOpenAIUsage(usage),
    cost: cost === 'unknown' ? null : cost,
  };
}

/** The answer names the prompt's own model (the public name it calls), like every answer (see `server/public-model.ts`). */
function promptJsonResponse(
  definition: PromptDefinition,
  output: unknown,
  usage: NormalizedUsage,
  cost: string,
  headers: Record<string, string>,
): Response {
  return new Response(JSON.stringify(promptAnswer(definition, definition.model, output, usage, cost)), {
    headers: { 'content-type': 'application/json', ...headers, [costHeader]: cost },
  });
}

/** RFC 9745: `Deprecation: @<unix seconds>` on a deprecated version. */
function deprecationHeaders(version: PromptVersion): Record<string, string> {
  if (version.deprecatedAt === null) return {};
  return { deprecation: `@${Math.floor(version.deprecatedAt / 1000)}` };
}
