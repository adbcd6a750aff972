/**
 * @module test/fakes/fake-anthropic
 * A fake Anthropic Messages API on a random port, built on `startFakeUpstream`. It answers
 * `POST /v1/messages` the way the real API does — byte layouts taken from the recordings in
 * ../shared/conformance/anthropic — as JSON, or, when the request says `stream: true`, as SSE
 * `event:` + `data:` frames with a `ping` after the first block start and tool input as
 * `input_json_delta` pieces (the first one empty, as recorded).
 *
 * Like the real API it checks the key (`Authorization: Bearer`, which Tollgate sends as SDK 1.x does,
 * or `x-api-key`) and the `anthropic-version` header, and rejects what API version
 * 2026-10-21 rejects: the removed sampling parameters, empty text blocks, and `tool_use` blocks
 * without their `tool_result` in the next message. Tests script answers with the helpers; an
 * unscripted request gets a short text answer.
 */
import { startFakeUpstream, type FakeReply, type FakeUpstream, type RecordedRequest } from './fake-upstream.js';

export const fakeAnthropicKey = 'sk-ant-fake-0123456789abcdef';
export const currentApiVersion = '2026-10-21';
const knownApiVersions = new Set(['2023-01-01', '2023-06-01', currentApiVersion]);

export type FakeContentBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> }
  | { type: 'thinking'; thinking: string; signature: string };

export interface FakeUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

export interface FakeMessageOptions {
  /** The model the answer reports; by default the one requested. */
  model?: string;
  id?: string;
  stopReason?: string;
  stopSequence?: string | null;
  usage?: Partial<FakeUsage>;
  /** Wait before the response headers (a slow upstream). */
  delayMs?: number;
  /** Wait between streamed events. */
  chunkDelayMs?: number;
  /** Streams only: after this many events, send `event: error` and end the stream. */
  streamError?: { afterEvents: number; type: string; message: string };
  /** Streams only: re-cut the body into pieces of this many bytes (splits lines and characters). */
  pieceBytes?: number;
}

type ScriptedAnswer =
  | { kind: 'message'; content: FakeContentBlock[]; options: FakeMessageOptions }
  | { kind: 'error'; status: number; errorType: string; message: string; headers: Record<string, string>; delayMs?: number }
  | { kind: 'raw'; reply: FakeReply };

export interface FakeAnthropic extends FakeUpstream {
  apiKey: string;
  /** The last request's parsed body. */
  readonly lastBody: any;
  /** Answers the next request with these blocks. */
  answerContent(content: FakeContentBlock[], options?: FakeMessageOptions): void;
  answerText(text: string, options?: FakeMessageOptions): void;
  /** Answers with tool calls (parallel when several), optionally after some text; stop reason `tool_use`. */
  answerToolUse(
    calls: Array<{ name: string; input: Record<string, unknown>; id?: string }>,
    options?: FakeMessageOptions & { text?: string },
  ): void;
  /** Answers with an Anthropic error body. The type defaults to the one Anthropic uses for the status. */
  answerError(status: number, options?: { type?: string; message?: string; retryAfter?: string; delayMs?: number }): void;
  /** Answers a stream request with recorded SSE text (for instance a conformance file), unchanged. */
  answerRecordedStream(sse: string, options?: { pieceBytes?: number; chunkDelayMs?: number }): void;
}

export async function startFakeAnthropic(options: { apiKey?: string } = {}): Promise<FakeAnthropic> {
  const apiKey = options.apiKey ?? fakeAnthropicKey;
  const script: ScriptedAnswer[] = [];
  let requestCount = 0;
  const upstream = await startFakeUpstream((request) => {
    requestCount++;
    const requestId = `req_fake${String(requestCount).padStart(6, '0')}`;
    const refusal = rejectRequest(request, apiKey);
    if (refusal) return errorReply(refusal.status, refusal.type, refusal.message, requestId);
    return render(script.shift(), request, requestId);
  });
  const baseReset = upstream.reset;
  const fake = upstream as FakeAnthropic;
  Object.defineProperty(fake, 'lastBody', { get: () => upstream.requests[upstream.requests.length - 1]?.body });
  Object.assign(fake, {
    apiKey,
    reset: () => {
      baseReset();
      script.length = 0;
    },
    answerContent: (content: FakeContentBlock[], messageOptions: FakeMessageOptions = {}) =>
      script.push({ kind: 'message', content, options: messageOptions }),
    answerText: (text: string, messageOptions: FakeMessageOptions = {}) =>
      script.push({ kind: 'message', content: [{ type: 'text', text }], options: messageOptions }),
    answerToolUse: (
      calls: Array<{ name: string; input: Record<string, unknown>; id?: string }>,
      { text, ...messageOptions }: FakeMessageOptions & { text?: string } = {},
    ) => {
      const content: FakeContentBlock[] = text ? [{ type: 'text', text }] : [];
      calls.forEach((call, index) =>
        content.push({ type: 'tool_use', id: call.id ?? `toolu_fake${index}${requestCount}`, name: call.name, input: call.input }),
      );
      script.push({ kind: 'message', content, options: { stopReason: 'tool_use', ...messageOptions } });
    },
    answerError: (status: number, errorOptions: { type?: string; message?: string; retryAfter?: string; delayMs?: number } = {}) => {
      const errorType = errorOptions.type ?? defaultErrorType(status);
      script.push({
        kind: 'error',
        status,
        errorType,
        message: errorOptions.message ?? defaultErrorMessage(errorType),
        headers: errorOptions.retryAfter ? { 'retry-after': errorOptions.retryAfter } : {},
        delayMs: errorOptions.delayMs,
      });
    },
    answerRecordedStream: (sse: string, replayOptions: { pieceBytes?: number; chunkDelayMs?: number } = {}) =>
      script.push({
        kind: 'raw',
        reply: {
          status: 200,
          headers: streamHeaders(),
          chunks: replayOptions.pieceBytes ? cutBytes(sse, replayOptions.pieceBytes) : [sse],
          chunkDelayMs: replayOptions.chunkDelayMs,
        },
      }),
  });
  return fake;
}

// ---------------------------------------------------------------------------------------------
// What the real API refuses

interface Refusal {
  status: number;
  type: string;
  message: string;
}

function rejectRequest(request: RecordedRequest, apiKey: string): Refusal | undefined {
  if (request.method !== 'POST' || request.path !== '/v1/messages') {
    return { status: 404, type: 'not_found_error', message: 'Not found' };
  }
  return checkAuth(request, apiKey) ?? checkVersion(request) ?? checkBody(request);
}

function checkAuth(request: RecordedRequest, apiKey: string): Refusal | undefined {
  const authorization = request.headers.authorization;
  const headerKey = request.headers['x-api-key'];
  if (!authorization && !headerKey) {
    return { status: 401, type: 'authentication_error', message: 'x-api-key header is required' };
  }
  // With both headers, the API reads x-api-key.
  const given = typeof headerKey === 'string' ? headerKey : authorization?.replace(/^Bearer\s+/i, '');
  if (given !== apiKey) return { status: 401, type: 'authentication_error', message: 'invalid x-api-key' };
  return undefined;
}

function checkVersion(request: RecordedRequest): Refusal | undefined {
  const version = request.headers['anthropic-version'];
  if (!version) return { status: 400, type: 'invalid_request_error', message: 'anthropic-version: header is required' };
  if (typeof version !== 'string' || !knownApiVersions.has(version)) {
    return { status: 400, type: 'invalid_request_error', message: `anthropic-version: "${String(version)}" is not a valid version` };
  }
  return undefined;
}

function checkBody(request: RecordedRequest): Refusal | undefined {
  const body = request.body;
  const invalid = (message: string): Refusal => ({ status: 400, type: 'invalid_request_error', message });
  if (!body || typeof body !== 'object') return invalid('There was an error parsing the body of your request.');
  if (typeof body.model !== 'string') return invalid('model: Field required');
  if (!Number.isInteger(body.max_tokens)) return invalid('max_tokens: Field required');
  if (!Array.isArray(body.messages) || body.messages.length === 0) return invalid('messages: Field required');
  if (request.headers['anthropic-version'] === currentApiVersion) {
    for (const removed of ['temperature', 'top_p', 'top_k']) {
      if (removed in body) return invalid(`${removed}: Extra inputs are not permitted`);
    }
  }
  const message = checkMessages(body.messages);
  return message ? invalid(message) : undefined;
}

function checkMessages(messages: any[]): string | undefined {
  for (let index = 0; index < messages.length; index++) {
    const blocks = Array.isArray(messages[index].content) ? messages[index].content : [];
    if (messages[index].content === '' || blocks.some((block: any) => block.type === 'text' && !block.text)) {
      return 'messages: text content blocks must be non-empty';
    }
    const toolUseIds = blocks.filter((block: any) => block.type === 'tool_use').map((block: any) => block.id);
    if (toolUseIds.length === 0) continue;
    const next = messages[index + 1];
    const nextBlocks: any[] = next && Array.isArray(next.content) ? next.content : [];
    const answered = new Set(nextBlocks.filter((block) => block.type === 'tool_result').map((block) => block.tool_use_id));
    const missing = toolUseIds.filter((id: string) => !answered.has(id));
    if (next && missing.length > 0) {
      return (
        `messages.${index + 1}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ` +
        `${missing.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`
      );
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Answers

function render(answer: ScriptedAnswer | undefined, request: RecordedRequest, requestId: string): FakeReply {
  const scripted = answer ?? { kind: 'message', content: [{ type: 'text', text: 'Hello from the fake Anthropic.' }], options: {} };
  switch (scripted.kind) {
    case 'error':
      return { ...errorReply(scripted.status, scripted.errorType, scripted.message, requestId, scripted.headers), delayMs: scripted.delayMs };
    case 'raw':
      return scripted.reply;
    case 'message': {
      const message = buildMessage(scripted.content, scripted.options, request);
      const { delayMs, chunkDelayMs } = scripted.options;
      if (request.body?.stream !== true) {
        return { status: 200, headers: { 'request-id': requestId }, json: message, delayMs };
      }
      const frames = streamFrames(message, scripted.options);
      const chunks = scripted.options.pieceBytes ? cutBytes(frames.join(''), scripted.options.pieceBytes) : frames;
      return { status: 200, headers: { ...streamHeaders(), 'request-id': requestId }, chunks, delayMs, chunkDelayMs };
    }
  }
}

function errorReply(status: number, type: string, message: string, requestId: string, headers: Record<string, string> = {}): FakeReply {
  return {
    status,
    headers: { 'request-id': requestId, 'x-should-retry': String(status === 429 || status >= 500), ...headers },
    json: { type: 'error', error: { type, message }, request_id: requestId },
  };
}

function streamHeaders(): Record<string, string> {
  return { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' };
}

let messageCount = 0;

function buildMessage(content: FakeContentBlock[], options: FakeMessageOptions, request: RecordedRequest) {
  const usage = options.usage ?? {};
  return {
    model: options.model ?? request.body?.model ?? 'claude-opus-4-8',
    id: options.id ?? `msg_fake${String(++messageCount).padStart(20, '0')}`,
    type: 'message',
    role: 'assistant',
    content,
    stop_reason: options.stopReason ?? 'end_turn',
    stop_sequence: options.stopSequence ?? null,
    usage: {
      input_tokens: usage.input_tokens ?? 12,
      cache_creation_input_tokens: usage.cache_creation_input_tokens ?? 0,
      cache_read_input_tokens: usage.cache_read_input_tokens ?? 0,
      cache_creation: { ephemeral_5m_input_tokens: usage.cache_creation_input_tokens ?? 0, ephemeral_1h_input_tokens: 0 },
      output_tokens: usage.output_tokens ?? 8,
      service_tier: 'standard',
    },
  };
}

type FakeMessage = ReturnType<typeof buildMessage>;

/** The event sequence of basic_response.txt and tool_use_response.txt, one frame per write. */
function streamFrames(message: FakeMessage, options: FakeMessageOptions): string[] {
  const { content, stop_reason, stop_sequence, usage, ...head } = message;
  const events: Array<[string, string]> = [];
  const add = (event: string, data: unknown) => events.push([event, typeof data === 'string' ? data : JSON.stringify(data)]);
  const { cache_creation: _breakdown, ...startUsage } = usage;
  add('message_start', {
    type: 'message_start',
    message: { ...head, content: [], stop_reason: null, stop_sequence: null, usage: { ...startUsage, output_tokens: 1 } },
  });
  content.forEach((block, index) => {
    add('content_block_start', { type: 'content_block_start', index, content_block: blockStart(block) });
    if (index === 0) add('ping', '{"type": "ping"}');
    for (const delta of blockDeltas(block)) add('content_block_delta', { type: 'content_block_delta', index, delta });
    add('content_block_stop', { type: 'content_block_stop', index });
  });
  add('message_delta', { type: 'message_delta', delta: { stop_reason, stop_sequence }, usage: { output_tokens: usage.output_tokens } });
  add('message_stop', { type: 'message_stop' });
  const frames = events.map(([event, data]) => `event: ${event}\ndata: ${data}\n\n`);
  if (!options.streamError) return frames;
  const { afterEvents, type, message: text } = options.streamError;
  const error = `event: error\ndata: ${JSON.stringify({ type: 'error', error: { type, message: text } })}\n\n`;
  return [...frames.slice(0, afterEvents), error];
}

function blockStart(block: FakeContentBlock): unknown {
  switch (block.type) {
    case 'text':
      return { type: 'text', text: '' };
    case 'tool_use':
      return { type: 'tool_use', id: block.id, name: block.name, input: {} };
    case 'thinking':
      return { type: 'thinking', thinking: '', signature: '' };
  }
}

function blockDeltas(block: FakeContentBlock): unknown[] {
  switch (block.type) {
    case 'text':
      return (block.text.match(/\s*\S+|\s+$/g) ?? []).map((text) => ({ type: 'text_delta', text }));
    case 'tool_use': {
      const json = JSON.stringify(block.input);
      const pieces = [''];
      for (let start = 0; start < json.length; start += 7) pieces.push(json.slice(start, start + 7));
      return pieces.map((partial_json) => ({ type: 'input_json_delta', partial_json }));
    }
    case 'thinking':
      return [
        { type: 'thinking_delta', thinking: block.thinking },
        { type: 'signature_delta', signature: block.signature },
      ];
  }
}

/** Cuts text into pieces of `size` bytes, through lines and multi-byte characters alike. */
function cutBytes(text: string, size: number): Uint8Array[] {
  const bytes = Buffer.from(text, 'utf8');
  const pieces: Uint8Array[] = [];
  for (let start = 0; start < bytes.length; start += size) pieces.push(bytes.subarray(start, start + size));
  return pieces;
}

function defaultErrorType(status: number): string {
  switch (status) {
    case 400:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 402:
      return 'billing_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 504:
      return 'timeout_error';
    case 529:
      return 'overloaded_error';
    default:
      return 'api_error';
  }
}

function defaultErrorMessage(type: string): string {
  switch (type) {
    case 'rate_limit_error':
      return 'This request would exceed the rate limit for your organization of 50 requests per minute. For details, refer to: https://docs.claude.com/en/api/rate-limits.';
    case 'overloaded_error':
      return 'Overloaded';
    case 'api_error':
      return 'Internal server error';
    case 'authentication_error':
      return 'invalid x-api-key';
    case 'not_found_error':
      return 'model: claude-nonexistent';
    default:
      return 'Invalid request';
  }
}
