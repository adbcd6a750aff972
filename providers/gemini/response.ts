/**
 * @module providers/gemini/response
 * Gemini's `GenerateContentResponse` → an OpenAI chat completion, and the parts mapping the stream
 * shares. https://ai.google.dev/api/generate-content#generatecontentresponse
 *
 * - Each candidate is a choice (`n` → `candidateCount`). Text parts are joined; thought parts
 *   (`thought: true`, the summaries a thinking model may send) are not content and are dropped, as
 *   are parts the OpenAI shape cannot carry (inline images, executable code and its results).
 * - `functionCall` parts become tool calls, with the tool-call id format below.
 * - A prompt Gemini refused (`promptFeedback.blockReason`, no candidates) is answered as a normal
 *   completion whose choices have `content: null` and `finish_reason: 'content_filter'`, as OpenAI
 *   answers its own filtered outputs: a client checks one field, not an HTTP status. Gemini's
 *   own words (`blockReasonMessage`, `finishMessage`) are never passed on.
 *
 * Tool-call ids: `<callId>` or `<callId>__thoughtsig__<signature>`.
 * `callId` is Gemini's `functionCall.id` when it sends one (the Gemini API mostly does not), or a
 * synthesised `call_` + 24 letters and digits. Gemini 2.5/3 attach a `thoughtSignature` to
 * function-call parts and require it back on the next turn with that same part; Tollgate keeps no
 * state, so the signature rides inside the id the client echoes back, base64url-encoded so the id
 * stays within `[A-Za-z0-9_-]` (ids other providers accept), and is restored by `request.ts`.
 */
import { randomBytes } from 'node:crypto';
import type { ChatCompletion, ChatCompletionChoice, ToolCall } from '../../schemas/openai-chat.js';
import { toOpenAIUsage } from '../shared/openai-usage.js';
import type { NormalizedUsage } from '../types.js';
import { mapFinishReason } from './finish-reason.js';
import { mapUsage, type GeminiUsageMetadata } from './usage.js';

/** Lenient: what Gemini sends, every field optional. */
export interface GeminiPart {
  text?: string | null;
  thought?: boolean | null;
  thoughtSignature?: string | null;
  functionCall?: { id?: string | null; name?: string | null; args?: Record<string, unknown> | null } | null;
  [key: string]: unknown;
}

export interface GeminiCandidate {
  content?: { parts?: GeminiPart[] | null; role?: string | null } | null;
  finishReason?: string | null;
  index?: number | null;
}

export interface GenerateContentResponse {
  candidates?: GeminiCandidate[] | null;
  promptFeedback?: { blockReason?: string | null } | null;
  usageMetadata?: GeminiUsageMetadata | null;
  modelVersion?: string | null;
  responseId?: string | null;
  error?: unknown;
}

export interface CompletionContext {
  upstreamModel: string;
  /** How many choices the client asked for: a blocked prompt still answers that many. */
  choiceCount: number;
}

export function toChatCompletion(
  response: GenerateContentResponse,
  context: CompletionContext,
): { completion: ChatCompletion; usage: NormalizedUsage | null } {
  const usage = response.usageMetadata ? mapUsage(response.usageMetadata) : null;
  const candidates = response.candidates ?? [];
  const choices = candidates.length > 0 ? candidates.map(toChoice) : blockedChoices(context.choiceCount);
  const completion: ChatCompletion = {
    id: completionId(response.responseId),
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: response.modelVersion || context.upstreamModel,
    choices,
  };
  if (usage) completion.usage = toOpenAIUsage(usage);
  return { completion, usage };
}

function toChoice(candidate: GeminiCandidate, position: number): ChatCompletionChoice {
  const { text, toolCalls } = readParts(candidate.content?.parts);
  const choice: ChatCompletionChoice = {
    index: candidate.index ?? position,
    message: { role: 'assistant', content: text, refusal: null },
    logprobs: null,
    finish_reason: mapFinishReason(candidate.finishReason, toolCalls.length > 0),
  };
  if (toolCalls.length > 0) choice.message.tool_calls = toolCalls;
  return choice;
}

function blockedChoices(count: number): ChatCompletionChoice[] {
  return Array.from({ length: Math.max(1, count) }, (_, index) => ({
    index,
    message: { role: 'assistant' as const, content: null, refusal: null },
    logprobs: null,
    finish_reason: 'content_filter' as const,
  }));
}

/** The visible text (null when there is none) and the tool calls of one candidate's parts. */
export function readParts(parts: GeminiPart[] | null | undefined): { text: string | null; toolCalls: ToolCall[] } {
  let text: string | null = null;
  const toolCalls: ToolCall[] = [];
  for (const part of parts ?? []) {
    if (part.thought) continue;
    if (typeof part.text === 'string') text = (text ?? '') + part.text;
    else if (part.functionCall) toolCalls.push(toToolCall(part));
  }
  return { text, toolCalls };
}

export function toToolCall(part: GeminiPart): ToolCall {
  const call = part.functionCall ?? {};
  return {
    id: encodeToolCallId(call.id || syntheticCallId(), part.thoughtSignature ?? undefined),
    type: 'function',
    function: { name: call.name ?? '', arguments: JSON.stringify(call.args ?? {}) },
  };
}

export function completionId(responseId: string | null | undefined): string {
  return `chatcmpl-${responseId || randomAlphanumeric(24)}`;
}

const signatureSeparator = '__thoughtsig__';
/** For a signature that is not canonical base64 (never seen so far): its UTF-8 bytes, base64url. */
const textSignatureSeparator = '__thoughtsigtext__';
const standardBase64 = /^[A-Za-z0-9+/]+={0,2}$/;

export function encodeToolCallId(callId: string, thoughtSignature: string | undefined): string {
  if (!thoughtSignature) return callId;
  // A character mapping rather than a decode/encode, so the exact string comes back.
  const urlSafe = thoughtSignature.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  if (standardBase64.test(thoughtSignature) && fromUrlSafe(urlSafe) === thoughtSignature) {
    return `${callId}${signatureSeparator}${urlSafe}`;
  }
  return `${callId}${textSignatureSeparator}${Buffer.from(thoughtSignature, 'utf8').toString('base64url')}`;
}

/** The inverse of `encodeToolCallId`; ids from anywhere else come back as `{ callId: id }`. */
export function decodeToolCallId(id: string): { callId: string; thoughtSignature?: string } {
  const textAt = id.indexOf(textSignatureSeparator);
  if (textAt !== -1) {
    const encoded = id.slice(textAt + textSignatureSeparator.length);
    return { callId: id.slice(0, textAt), thoughtSignature: Buffer.from(encoded, 'base64url').toString('utf8') };
  }
  const at = id.indexOf(signatureSeparator);
  if (at === -1) return { callId: id };
  const encoded = id.slice(at + signatureSeparator.length);
  if (!/^[A-Za-z0-9_-]+$/.test(encoded)) return { callId: id };
  return { callId: id.slice(0, at), thoughtSignature: fromUrlSafe(encoded) };
}

function fromUrlSafe(encoded: string): string {
  const standard = encoded.replace(/-/g, '+').replace(/_/g, '/');
  return standard + '='.repeat((4 - (standard.length % 4)) % 4);
}

export function syntheticCallId(): string {
  return `call_${randomAlphanumeric(24)}`;
}

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomAlphanumeric(length: number): string {
  const bytes = randomBytes(length);
  let result = '';
  // 256 % 62 leaves a slight bias towards the first letters: irrelevant for ids.
  for (const byte of bytes) result += alphabet[byte % alphabet.length];
  return result;
}
