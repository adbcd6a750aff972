/**
 * @module test/fakes/fake-gemini
 * A fake Gemini API (generativelanguage.googleapis.com) built on `startFakeUpstream`, shaped after
 * the recordings in shared/conformance/gemini: `POST /{version}/models/{model}:generateContent`,
 * `:streamGenerateContent?alt=sse` (one `data:` line per event, CRLF framing, no `[DONE]`, the
 * stream just closes) and `:batchEmbedContents`.
 *
 * Like the real service it checks the `x-goog-api-key` header (a wrong key gets the recorded
 * API_KEY_INVALID body, whose DebugInfo echoes the key — so tests can prove it never leaks),
 * answers unknown models with the recorded 404, and rejects what Gemini rejects: unknown fields
 * (JSON-Schema keywords in `parameters`/`responseSchema`, lower-case types, an OBJECT with no
 * properties), empty contents, and — for `gemini-3*` models — a function call of the current
 * turn sent back without its `thoughtSignature`.
 *
 * Replies are scripted as turns (`fake.script(textTurn('hi'))`) that render as a stream or as one
 * JSON answer depending on the endpoint called; with nothing scripted it answers a short text.
 */
import { startFakeUpstream, type FakeReply, type FakeUpstream, type RecordedRequest } from './fake-upstream.js';

export type GeminiEvent = Record<string, any>;

export type GeminiTurn =
  /** Events of a GenerateContentResponse stream; a unary call gets them merged into one answer. */
  | { kind: 'generate'; events: GeminiEvent[]; error?: GeminiErrorBody; delayMs?: number; chunkDelayMs?: number; dropConnection?: boolean }
  | { kind: 'error'; status: number; body: GeminiErrorBody | string; headers?: Record<string, string>; delayMs?: number }
  | { kind: 'embed'; vectors: number[][] }
  | { kind: 'raw'; reply: FakeReply };

export interface GeminiErrorBody {
  error: { code: number; message: string; status: string; details?: unknown[] };
}

export interface FakeGemini extends FakeUpstream {
  apiKey: string;
  /** Queue scripted turns for the next Gemini calls (after the key, model and body checks). */
  script(...turns: GeminiTurn[]): void;
}

export interface FakeGeminiOptions {
  apiKey?: string;
  /** Models that exist; any other answers 404 like the real API. */
  models?: string[];
}

export const fakeGeminiKey = 'AIzaSyFAKE-gemini-test-key-0123456789';
export const defaultGeminiModels = [
  'gemini-2.0-flash',
  'gemini-2.5-flash',
  'gemini-2.5-pro',
  'gemini-3-pro-preview',
  'text-embedding-004',
  'gemini-embedding-001',
];

export async function startFakeGemini(options: FakeGeminiOptions = {}): Promise<FakeGemini> {
  const apiKey = options.apiKey ?? fakeGeminiKey;
  const models = new Set(options.models ?? defaultGeminiModels);
  const turns: GeminiTurn[] = [];
  const upstream = await startFakeUpstream((request) => answer(request, { apiKey, models, turns }));
  const reset = upstream.reset;
  return Object.assign(upstream, {
    apiKey,
    script: (...more: GeminiTurn[]) => void turns.push(...more),
    reset: () => {
      reset();
      turns.length = 0;
    },
  });
}

// ---------------------------------------------------------------------------------------------
// Routing and checks

interface FakeState {
  apiKey: string;
  models: Set<string>;
  turns: GeminiTurn[];
}

type Method = 'generateContent' | 'streamGenerateContent' | 'batchEmbedContents';

function answer(request: RecordedRequest, state: FakeState): FakeReply {
  const route = /^\/(v1|v1beta|v1alpha)\/models\/([^/:]+):(generateContent|streamGenerateContent|batchEmbedContents)$/.exec(request.path);
  if (request.method !== 'POST' || !route) return googleNotFoundPage(request.path);
  const [, version, model, method] = route as unknown as [string, string, string, Method];
  const key = request.headers['x-goog-api-key'] ?? request.query.get('key');
  if (!key) return errorReply(403, unregisteredCallerBody());
  if (key !== state.apiKey) return errorReply(400, apiKeyInvalidBody(String(key)));
  if (!state.models.has(model)) return errorReply(404, unknownModelBody(model, version, method));
  if (request.body === undefined) return errorReply(400, invalidArgument('Invalid JSON payload received. Unexpected end of string.'));
  const problem = method === 'batchEmbedContents' ? checkEmbedBody(request.body, model) : checkGenerateBody(request.body, model);
  if (problem) return errorReply(400, invalidArgument(problem));
  const turn = state.turns.shift();
  if (method === 'batchEmbedContents') return renderEmbed(turn, request.body);
  return renderGenerate(turn ?? defaultTextTurn(request.body, model), method === 'streamGenerateContent', request.query.get('alt') === 'sse');
}

const topLevelFields = new Set(['contents', 'systemInstruction', 'tools', 'toolConfig', 'generationConfig', 'safetySettings', 'cachedContent']);
const partFields = new Set([
  'text',
  'inlineData',
  'fileData',
  'functionCall',
  'functionResponse',
  'thought',
  'thoughtSignature',
  'executableCode',
  'codeExecutionResult',
  'videoMetadata',
]);
const generationConfigFields = new Set([
  'stopSequences',
  'responseMimeType',
  'responseSchema',
  'responseJsonSchema',
  'candidateCount',
  'maxOutputTokens',
  'temperature',
  'topP',
  'topK',
  'seed',
  'presencePenalty',
  'frequencyPenalty',
  'responseLogprobs',
  'logprobs',
  'thinkingConfig',
  'responseModalities',
]);
const schemaFields = new Set([
  'type',
  'format',
  'title',
  'description',
  'nullable',
  'enum',
  'maxItems',
  'minItems',
  'properties',
  'required',
  'minProperties',
  'maxProperties',
  'minLength',
  'maxLength',
  'pattern',
  'example',
  'anyOf',
  'propertyOrdering',
  'default',
  'items',
  'minimum',
  'maximum',
]);
const schemaTypes = new Set(['STRING', 'NUMBER', 'INTEGER', 'BOOLEAN', 'ARRAY', 'OBJECT', 'NULL']);

function unknownField(name: string, at: string): string {
  return `Invalid JSON payload received. Unknown name "${name}" at '${at}': Cannot find field.`;
}

function checkGenerateBody(body: any, model: string): string | undefined {
  for (const field of Object.keys(body)) if (!topLevelFields.has(field)) return unknownField(field, '');
  if (!Array.isArray(body.contents) || body.contents.length === 0) return '* GenerateContentRequest.contents: contents is not specified\n';
  for (const [index, content] of body.contents.entries()) {
    if (content.role !== 'user' && content.role !== 'model') return `Please use a valid role: user, model.`;
    if (!Array.isArray(content.parts) || content.parts.length === 0) {
      return `* GenerateContentRequest.contents[${index}].parts: contents.parts must not be empty.\n`;
    }
    for (const part of content.parts) {
      for (const field of Object.keys(part)) if (!partFields.has(field)) return unknownField(field, `contents[${index}].parts[0]`);
    }
  }
  for (const field of Object.keys(body.generationConfig ?? {})) {
    if (!generationConfigFields.has(field)) return unknownField(field, 'generation_config');
  }
  if (body.generationConfig?.responseSchema) {
    const problem = checkSchema(body.generationConfig.responseSchema, 'generation_config.response_schema', false);
    if (problem) return problem;
  }
  for (const [toolIndex, tool] of (body.tools ?? []).entries()) {
    for (const [index, declaration] of (tool.functionDeclarations ?? []).entries()) {
      const at = `tools[${toolIndex}].function_declarations[${index}]`;
      if (!/^[a-zA-Z_][a-zA-Z0-9_.:-]{0,63}$/.test(declaration.name ?? '')) return `* GenerateContentRequest.${at}.name: Invalid function name.\n`;
      const problem = declaration.parameters && checkSchema(declaration.parameters, `${at}.parameters`, true);
      if (problem) return problem;
    }
  }
  if (model.startsWith('gemini-3')) return checkThoughtSignatures(body.contents);
  return undefined;
}

function checkSchema(schema: any, at: string, isParameters: boolean): string | undefined {
  for (const field of Object.keys(schema)) if (!schemaFields.has(field)) return unknownField(field, at);
  if (schema.type !== undefined && !schemaTypes.has(schema.type)) {
    return `Invalid value at '${at}.type' (type.googleapis.com/google.ai.generativelanguage.v1beta.Type), "${schema.type}"`;
  }
  if (schema.enum && schema.type !== 'STRING') return `* GenerateContentRequest.${at}.enum: only allowed for STRING type\n`;
  if (schema.type === 'ARRAY' && !schema.items) return `* GenerateContentRequest.${at}.items: missing field.\n`;
  if (isParameters && schema.type === 'OBJECT' && schema.properties && Object.keys(schema.properties).length === 0) {
    return `* GenerateContentRequest.${at}.properties: should be non-empty for OBJECT type\n`;
  }
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    const problem = checkSchema(property, `${at}.properties[${name}].value`, isParameters);
    if (problem) return problem;
  }
  if (schema.items) return checkSchema(schema.items, `${at}.items`, isParameters);
  for (const [index, member] of (schema.anyOf ?? []).entries()) {
    const problem = checkSchema(member, `${at}.any_of[${index}]`, isParameters);
    if (problem) return problem;
  }
  return undefined;
}

/** Gemini 3: every function call of the current turn must come back with its signature. */
function checkThoughtSignatures(contents: any[]): string | undefined {
  let turnStart = 0;
  contents.forEach((content, index) => {
    if (content.role === 'user' && content.parts.some((part: any) => part.text !== undefined)) turnStart = index;
  });
  for (let index = turnStart; index < contents.length; index++) {
    const content = contents[index];
    const firstCall = content.role === 'model' ? content.parts.find((part: any) => part.functionCall) : undefined;
    if (firstCall && !firstCall.thoughtSignature) {
      return `Unable to submit request because function call \`${firstCall.functionCall.name}\` in the ${index + 1}. content block is missing a \`thought_signature\`. Learn more: https://docs.cloud.google.com/vertex-ai/generative-ai/docs/thought-signatures`;
    }
  }
  return undefined;
}

function checkEmbedBody(body: any, model: string): string | undefined {
  if (!Array.isArray(body.requests) || body.requests.length === 0) return '* BatchEmbedContentsRequest.requests: requests is not specified\n';
  if (body.requests.length > 100) return '* BatchEmbedContentsRequest.requests: at most 100 requests can be in one batch\n';
  for (const [index, request] of body.requests.entries()) {
    if (request.model !== `models/${model}`) {
      return `* BatchEmbedContentsRequest.requests[${index}].model: Model name in request must match the model in the URL. Expected: models/${model}, actual: ${request.model}\n`;
    }
    if (!Array.isArray(request.content?.parts) || request.content.parts.length === 0) {
      return `* BatchEmbedContentsRequest.requests[${index}].content.parts: contents.parts must not be empty.\n`;
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Rendering

function renderGenerate(turn: GeminiTurn, stream: boolean, sse: boolean): FakeReply {
  switch (turn.kind) {
    case 'error':
      return { status: turn.status, json: typeof turn.body === 'string' ? undefined : turn.body, text: typeof turn.body === 'string' ? turn.body : undefined, headers: turn.headers, delayMs: turn.delayMs };
    case 'raw':
      return turn.reply;
    case 'embed':
      return errorReply(500, internalError('fake-gemini: an embeddings turn was scripted for a generate call'));
    case 'generate':
      if (!stream) {
        if (turn.error) return { ...errorReply(turn.error.error.code, turn.error), delayMs: turn.delayMs };
        return { status: 200, headers: jsonHeaders, json: mergeEvents(turn.events), delayMs: turn.delayMs };
      }
      if (!sse) return { status: 200, headers: jsonHeaders, json: turn.events, delayMs: turn.delayMs };
      return {
        status: 200,
        headers: { 'content-type': 'text/event-stream', 'x-content-type-options': 'nosniff' },
        chunks: [...turn.events, ...(turn.error ? [turn.error] : [])].map((event) => `data: ${JSON.stringify(event)}\r\n\r\n`),
        // Destroying the socket right after a write discards what is still buffered: pause first.
        chunkDelayMs: turn.chunkDelayMs ?? (turn.dropConnection ? 20 : undefined),
        delayMs: turn.delayMs,
        destroyAfterChunks: turn.dropConnection,
      };
    default:
      return turn satisfies never;
  }
}

function renderEmbed(turn: GeminiTurn | undefined, body: any): FakeReply {
  if (turn?.kind === 'error' || turn?.kind === 'raw') return renderGenerate(turn, false, false);
  if (turn?.kind === 'embed') return { status: 200, headers: jsonHeaders, json: { embeddings: turn.vectors.map((values) => ({ values })) } };
  if (turn?.kind === 'generate') return errorReply(500, internalError('fake-gemini: a generate turn was scripted for an embeddings call'));
  const embeddings = body.requests.map((request: any) => ({
    values: fakeEmbedding(request.content.parts.map((part: any) => part.text ?? '').join(''), request.outputDimensionality ?? 768),
  }));
  return { status: 200, headers: jsonHeaders, json: { embeddings } };
}

/** What a unary call returns for the same events: parts concatenated, the last of everything else. */
export function mergeEvents(events: GeminiEvent[]): GeminiEvent {
  const merged: GeminiEvent = {};
  const candidates = new Map<number, GeminiEvent>();
  for (const event of events) {
    for (const [key, value] of Object.entries(event)) if (key !== 'candidates') merged[key] = value;
    for (const [position, candidate] of (event.candidates ?? []).entries()) {
      const index = candidate.index ?? position;
      const target = candidates.get(index) ?? { content: { parts: [], role: 'model' }, index };
      candidates.set(index, target);
      for (const [key, value] of Object.entries(candidate)) if (key !== 'content') target[key] = value;
      for (const part of candidate.content?.parts ?? []) appendPart(target.content.parts, part);
    }
  }
  if (candidates.size > 0) merged.candidates = [...candidates.values()];
  return merged;
}

function appendPart(parts: GeminiEvent[], part: GeminiEvent): void {
  const last = parts[parts.length - 1];
  const plainText = (candidate: GeminiEvent | undefined) =>
    candidate && typeof candidate.text === 'string' && Object.keys(candidate).every((key) => key === 'text' || key === 'thought');
  if (plainText(last) && plainText(part) && Boolean(last!.thought) === Boolean(part.thought)) last!.text += part.text;
  else parts.push({ ...part });
}

/** A deterministic vector for a text, so tests can predict embeddings. */
export function fakeEmbedding(text: string, dimensions: number): number[] {
  let seed = 2166136261;
  for (const char of text) seed = Math.imul(seed ^ char.codePointAt(0)!, 16777619) >>> 0;
  return Array.from({ length: dimensions }, (_, index) => {
    seed = Math.imul(seed ^ index, 2654435761) >>> 0;
    return Math.round(((seed % 20000) / 10000 - 1) * 1e6) / 1e6;
  });
}

const jsonHeaders = { 'content-type': 'application/json; charset=UTF-8' };

function errorReply(status: number, body: GeminiErrorBody): FakeReply {
  return { status, headers: jsonHeaders, json: body };
}

function googleNotFoundPage(path: string): FakeReply {
  return {
    status: 404,
    headers: { 'content-type': 'text/html; charset=UTF-8' },
    text: `<!DOCTYPE html>\n<html lang=en><title>Error 404 (Not Found)!!1</title><p>The requested URL <code>${path}</code> was not found on this server.</p>`,
  };
}

// ---------------------------------------------------------------------------------------------
// Scripting helpers

export interface UsageOptions {
  promptTokenCount?: number;
  candidatesTokenCount?: number;
  thoughtsTokenCount?: number;
  cachedContentTokenCount?: number;
  toolUsePromptTokenCount?: number;
}

export interface TurnOptions {
  usage?: UsageOptions;
  finishReason?: string;
  modelVersion?: string;
  responseId?: string;
  /** A thought summary part sent first (`thought: true`), as thinking models do with includeThoughts. */
  thoughts?: string;
  delayMs?: number;
  chunkDelayMs?: number;
}

export interface FunctionCallSpec {
  name: string;
  args?: Record<string, unknown>;
  id?: string;
  thoughtSignature?: string;
}

/** Text in pieces, one stream event each; the last event carries the finish reason and full usage. */
export function textTurn(text: string | string[], options: TurnOptions = {}): GeminiTurn {
  const pieces = typeof text === 'string' ? [text] : text;
  const parts = pieces.map((piece) => [{ text: piece }]);
  return eventsTurn(options.thoughts ? [[{ text: options.thoughts, thought: true }], ...parts] : parts, options);
}

/** Function calls, whole in one event as Gemini sends them, optionally after text and thoughts. */
export function functionCallTurn(calls: FunctionCallSpec[], options: TurnOptions & { text?: string } = {}): GeminiTurn {
  const callParts = calls.map(({ name, args, id, thoughtSignature }) => ({
    functionCall: { ...(id ? { id } : {}), name, args: args ?? {} },
    ...(thoughtSignature ? { thoughtSignature } : {}),
  }));
  const events: GeminiEvent[][] = [];
  if (options.thoughts) events.push([{ text: options.thoughts, thought: true }]);
  events.push(options.text ? [{ text: options.text }, ...callParts] : callParts);
  return eventsTurn(events, options);
}

function eventsTurn(partsPerEvent: GeminiEvent[][], options: TurnOptions): GeminiTurn {
  const responseId = options.responseId ?? 'fakeResp' + Math.random().toString(36).slice(2, 12);
  const modelVersion = options.modelVersion ?? 'gemini-2.5-flash';
  const usage = fullUsage(options.usage ?? {});
  const events = partsPerEvent.map((parts, index) => {
    const last = index === partsPerEvent.length - 1;
    const candidate: GeminiEvent = { content: { parts, role: 'model' }, index: 0 };
    if (last) candidate.finishReason = options.finishReason ?? 'STOP';
    // Like the recordings: early events carry only the prompt count, the last one everything.
    const usageMetadata = last ? usage : { promptTokenCount: usage.promptTokenCount, totalTokenCount: usage.promptTokenCount };
    return { candidates: [candidate], usageMetadata, modelVersion, responseId };
  });
  return { kind: 'generate', events, delayMs: options.delayMs, chunkDelayMs: options.chunkDelayMs };
}

function fullUsage(usage: UsageOptions): GeminiEvent {
  const prompt = usage.promptTokenCount ?? 7;
  const candidates = usage.candidatesTokenCount ?? 5;
  const result: GeminiEvent = { promptTokenCount: prompt, candidatesTokenCount: candidates };
  if (usage.cachedContentTokenCount) result.cachedContentTokenCount = usage.cachedContentTokenCount;
  if (usage.toolUsePromptTokenCount) result.toolUsePromptTokenCount = usage.toolUsePromptTokenCount;
  result.totalTokenCount = prompt + candidates + (usage.thoughtsTokenCount ?? 0) + (usage.toolUsePromptTokenCount ?? 0);
  result.promptTokensDetails = [{ modality: 'TEXT', tokenCount: prompt }];
  if (usage.thoughtsTokenCount) result.thoughtsTokenCount = usage.thoughtsTokenCount;
  return result;
}

/** The default answer: a short text, one candidate per `candidateCount`. */
function defaultTextTurn(body: any, model: string): GeminiTurn {
  const count = body.generationConfig?.candidateCount ?? 1;
  const pieces = ['Hello', ' from', ' Gemini.'];
  const events = pieces.map((piece, index) => ({
    candidates: Array.from({ length: count }, (_, candidate) => ({
      content: { parts: [{ text: candidate === 0 ? piece : `${piece} (${candidate})` }], role: 'model' },
      index: candidate,
      ...(index === pieces.length - 1 ? { finishReason: 'STOP' } : {}),
    })),
    usageMetadata: fullUsage({ promptTokenCount: 4, candidatesTokenCount: 3 * count }),
    modelVersion: model,
    responseId: 'fakeDefaultResponse',
  }));
  return { kind: 'generate', events };
}

/** A candidate stopped by the safety filter after some text (recorded shape). */
export function safetyStopTurn(options: TurnOptions = {}): GeminiTurn {
  const turn = textTurn('Safety error incoming in 5, 4, 3, 2...', { ...options, finishReason: 'SAFETY' });
  if (turn.kind === 'generate') turn.events[turn.events.length - 1]!.candidates[0].safetyRatings = safetyRatings('HIGH');
  return turn;
}

/** The prompt itself refused: no candidates, `promptFeedback.blockReason` (recorded shape). */
export function promptBlockedTurn(blockReason = 'SAFETY'): GeminiTurn {
  return {
    kind: 'generate',
    events: [{ promptFeedback: { blockReason, safetyRatings: safetyRatings('HIGH') }, usageMetadata: { promptTokenCount: 8, totalTokenCount: 8 }, modelVersion: 'gemini-2.5-flash' }],
  };
}

function safetyRatings(hate: string): GeminiEvent[] {
  return [
    { category: 'HARM_CATEGORY_SEXUALLY_EXPLICIT', probability: 'NEGLIGIBLE' },
    { category: 'HARM_CATEGORY_HATE_SPEECH', probability: hate },
    { category: 'HARM_CATEGORY_HARASSMENT', probability: 'NEGLIGIBLE' },
    { category: 'HARM_CATEGORY_DANGEROUS_CONTENT', probability: 'NEGLIGIBLE' },
  ];
}

/** An HTTP error with the body Google sends for that status. */
export function errorTurn(status: 400 | 404 | 429 | 500 | 503, options: { message?: string; retryDelay?: string; model?: string; delayMs?: number } = {}): GeminiTurn {
  const body = (() => {
    switch (status) {
      case 400:
        return invalidArgument(options.message ?? 'Request contains an invalid argument.');
      case 404:
        return unknownModelBody(options.model ?? 'gemini-5.0-flash', 'v1beta', 'generateContent');
      case 429:
        return quotaExceededBody(options.retryDelay ?? '37s');
      case 500:
        return internalError(options.message);
      case 503:
        return { error: { code: 503, message: options.message ?? 'The model is overloaded. Please try again later.', status: 'UNAVAILABLE' } };
      default:
        return status satisfies never;
    }
  })();
  return { kind: 'error', status, body, delayMs: options.delayMs };
}

/** A stream that sends some events, then an error event (a unary call gets the HTTP error). */
export function midStreamErrorTurn(before: GeminiTurn, status: 500 | 503 = 500): GeminiTurn {
  if (before.kind !== 'generate') throw new Error('midStreamErrorTurn needs a generate turn');
  const { body } = errorTurn(status) as Extract<GeminiTurn, { kind: 'error' }>;
  return { ...before, error: body as GeminiErrorBody };
}

/** A stream whose connection dies after the first `keep` events (a unary call gets them merged). */
export function droppedConnectionTurn(turn: GeminiTurn, keep: number): GeminiTurn {
  if (turn.kind !== 'generate') throw new Error('droppedConnectionTurn needs a generate turn');
  return { ...turn, events: turn.events.slice(0, keep), dropConnection: true };
}

export function embedTurn(vectors: number[][]): GeminiTurn {
  return { kind: 'embed', vectors };
}

// ---------------------------------------------------------------------------------------------
// Error bodies, as the recordings show them

function invalidArgument(message: string): GeminiErrorBody {
  return { error: { code: 400, message, status: 'INVALID_ARGUMENT' } };
}

function internalError(message?: string): GeminiErrorBody {
  return {
    error: {
      code: 500,
      message: message ?? 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
      status: 'INTERNAL',
    },
  };
}

/** vertexai-sdk-test-data/unary-failure-api-key.json, with the key that was sent in DebugInfo. */
function apiKeyInvalidBody(key: string): GeminiErrorBody {
  return {
    error: {
      code: 400,
      message: 'API key not valid. Please pass a valid API key.',
      status: 'INVALID_ARGUMENT',
      details: [
        { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com', metadata: { service: 'generativelanguage.googleapis.com' } },
        { '@type': 'type.googleapis.com/google.rpc.LocalizedMessage', locale: 'en-US', message: 'API key not valid. Please pass a valid API key.' },
        { '@type': 'type.googleapis.com/google.rpc.DebugInfo', detail: `Invalid API key: ${key}` },
      ],
    },
  };
}

function unregisteredCallerBody(): GeminiErrorBody {
  return {
    error: {
      code: 403,
      message: "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
      status: 'PERMISSION_DENIED',
    },
  };
}

/** vertexai-sdk-test-data/unary-failure-unknown-model.json, for the model and version asked. */
function unknownModelBody(model: string, version: string, method: string): GeminiErrorBody {
  const message = `models/${model} is not found for API version ${version}, or is not supported for ${method}. Call ListModels to see the list of available models and their supported methods.`;
  return {
    error: {
      code: 404,
      message,
      status: 'NOT_FOUND',
      details: [{ '@type': 'type.googleapis.com/google.rpc.DebugInfo', detail: `[ORIGINAL ERROR] generic::not_found: ${message}` }],
    },
  };
}

/** The free-tier quota answer: QuotaFailure, Help and RetryInfo details; no Retry-After header. */
function quotaExceededBody(retryDelay: string): GeminiErrorBody {
  return {
    error: {
      code: 429,
      message: `You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.\n* Quota exceeded for metric: generativelanguage.googleapis.com/generate_content_free_tier_requests, limit: 10, model: gemini-2.5-flash\nPlease retry in ${retryDelay}.`,
      status: 'RESOURCE_EXHAUSTED',
      details: [
        {
          '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
          violations: [
            {
              quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests',
              quotaId: 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier',
              quotaDimensions: { location: 'global', model: 'gemini-2.5-flash' },
              quotaValue: '10',
            },
          ],
        },
        { '@type': 'type.googleapis.com/google.rpc.Help', links: [{ description: 'Learn more about Gemini API quotas', url: 'https://ai.google.dev/gemini-api/docs/rate-limits' }] },
        { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay },
      ],
    },
  };
}
