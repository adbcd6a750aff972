/**
 * @module test/fakes/fake-openai
 * A fake OpenAI (or OpenAI-compatible) server. Streams replay the real gpt-4o recordings in
 * `../shared/conformance/openai/`; JSON answers have the exact field set the real API sends.
 * Requests without the expected bearer key get OpenAI's real 401 body.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sseFrames, startFakeUpstream, type FakeReply, type FakeUpstream, type RecordedRequest } from './fake-upstream.js';
import { conformancePath } from '../helpers/conformance.js';

export const fakeOpenAIKey = 'sk-fake-openai-0123456789abcdef';
const conformance = conformancePath('openai') + '/';

export function readOpenAIRecording(name: string): string {
  return readFileSync(`${conformance}${name}`, 'utf8');
}

export interface FakeOpenAI extends FakeUpstream {
  /** The URL to configure as the provider's `baseURL` (ends in `/v1`). */
  baseURL: string;
}

export async function startFakeOpenAI(): Promise<FakeOpenAI> {
  const fake = await startFakeUpstream(defaultReply);
  return Object.assign(fake, { baseURL: `${fake.url}/v1` });
}

function defaultReply(request: RecordedRequest): FakeReply {
  if (request.headers.authorization !== `Bearer ${fakeOpenAIKey}`) return invalidKeyReply();
  if (request.method === 'POST' && request.path === '/v1/chat/completions') {
    return request.body?.stream ? recordedStreamReply('openai-stream_works.sse') : { json: textCompletion('Hello from the fake.') };
  }
  if (request.method === 'POST' && request.path === '/v1/responses') {
    const model = request.body?.model ?? 'gpt-4o-mini';
    return request.body?.stream ? responsesStreamReply('Hello from the fake Responses API.', model) : { json: responsesObject('Hello from the fake Responses API.', model) };
  }
  if (request.method === 'POST' && request.path === '/v1/images/generations') {
    const n = request.body?.n ?? 1;
    return { json: { created: 1_741_476_542, data: Array.from({ length: n }, (_, index) => ({ url: `https://images.fake/${index}.png`, revised_prompt: request.body?.prompt })) } };
  }
  if (request.method === 'POST' && request.path === '/v1/moderations') {
    const inputs = Array.isArray(request.body?.input) ? request.body.input : [request.body?.input];
    return { json: { id: 'modr-fake', model: request.body?.model, results: inputs.map(() => moderationResult()) } };
  }
  if (request.method === 'POST' && request.path === '/v1/audio/speech') {
    return { headers: { 'content-type': 'audio/mpeg' }, chunks: [Buffer.from('ID3fake-'), Buffer.from(`audio-for:${request.body?.input}`)] };
  }
  if (request.method === 'POST' && request.path === '/v1/audio/transcriptions') {
    const format = /name="response_format"\r\n\r\n([^\r]*)/.exec(request.rawBody)?.[1] ?? 'json';
    if (format === 'text') return { headers: { 'content-type': 'text/plain' }, text: 'hello from the fake whisper' };
    if (format === 'verbose_json') return { json: { task: 'transcribe', language: 'english', duration: 12.4, text: 'hello from the fake whisper', segments: [] } };
    return { json: { text: 'hello from the fake whisper', usage: { type: 'duration', seconds: 7 } } };
  }
  if (request.method === 'POST' && request.path === '/v1/embeddings') {
    const file = request.body?.encoding_format === 'base64' ? 'embeddings-base64-response.json' : 'embeddings-float-response.json';
    return { json: JSON.parse(readOpenAIRecording(file)) };
  }
  return openAIError(404, `Invalid URL (${request.method} ${request.path})`, 'invalid_request_error', null);
}

export function invalidKeyReply(): FakeReply {
  return openAIError(401, 'Incorrect API key provided: sk-wrong. You can find your API key at https://platform.openai.com/account/api-keys.', 'invalid_request_error', 'invalid_api_key');
}

export function openAIError(status: number, message: string, type: string, code: string | null, headers: Record<string, string> = {}): FakeReply {
  return { status, headers, json: { error: { message, type, param: null, code } } };
}

/** Replays a recorded stream byte for byte, cut into pieces at awkward places when `pieceSize` is set. */
export function recordedStreamReply(name: string, pieceSize?: number): FakeReply {
  const bytes = Buffer.from(readOpenAIRecording(name), 'utf8');
  const chunks: Uint8Array[] = [];
  if (pieceSize) for (let offset = 0; offset < bytes.length; offset += pieceSize) chunks.push(bytes.subarray(offset, offset + pieceSize));
  else chunks.push(bytes);
  return { headers: { 'content-type': 'text/event-stream' }, chunks };
}

const usage = (prompt: number, completion: number) => ({
  prompt_tokens: prompt,
  completion_tokens: completion,
  total_tokens: prompt + completion,
  prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
  completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
});

export function textCompletion(content: string, model = 'gpt-4o-mini-2024-07-18') {
  return {
    id: 'chatcmpl-fake0001',
    object: 'chat.completion',
    created: 1_723_031_664,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content, refusal: null, annotations: [] }, logprobs: null, finish_reason: 'stop' }],
    usage: usage(12, 5),
    service_tier: 'default',
    system_fingerprint: 'fp_fake',
  };
}

export function toolCallCompletion(calls: Array<{ id: string; name: string; arguments: string }>) {
  return {
    ...textCompletion(''),
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: null,
          refusal: null,
          annotations: [],
          tool_calls: calls.map((call) => ({ id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } })),
        },
        logprobs: null,
        finish_reason: 'tool_calls',
      },
    ],
  };
}

/** A stream of OpenAI chunks in the real API's framing, ending with a usage chunk and [DONE]. */
export function chunkStreamReply(deltas: Array<Record<string, unknown>>, finishReason: string, promptTokens = 20, completionTokens = 8): FakeReply {
  const base = { id: 'chatcmpl-fakestream', object: 'chat.completion.chunk', created: 1_723_031_664, model: 'gpt-4o-mini-2024-07-18', system_fingerprint: 'fp_fake' };
  const events = [
    ...deltas.map((delta) => ({ data: { ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: null }], usage: null } })),
    { data: { ...base, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: finishReason }], usage: null } },
    { data: { ...base, choices: [], usage: usage(promptTokens, completionTokens) } },
    { data: '[DONE]' },
  ];
  return { headers: { 'content-type': 'text/event-stream' }, chunks: sseFrames(events) };
}

/** A completed Response with one output message, in the real API's field set. */
export function responsesObject(text: string, model = 'gpt-4o-mini-2024-07-18', id = 'resp_fake0001') {
  return {
    id,
    object: 'response',
    created_at: 1_741_476_542,
    status: 'completed',
    completed_at: 1_741_476_543,
    error: null,
    incomplete_details: null,
    instructions: null,
    max_output_tokens: null,
    model,
    output: [{ id: 'msg_fake0001', type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text, annotations: [], logprobs: [] }] }],
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    store: true,
    temperature: 1,
    text: { format: { type: 'text' } },
    tool_choice: 'auto',
    tools: [],
    top_p: 1,
    truncation: 'disabled',
    usage: { input_tokens: 25, input_tokens_details: { cached_tokens: 10, cache_write_tokens: 0 }, output_tokens: 9, output_tokens_details: { reasoning_tokens: 2 }, total_tokens: 34 },
    metadata: {},
  };
}

/** The typed event stream the real API sends for a one-message answer. */
export function responsesStreamReply(text: string, model = 'gpt-4o-mini-2024-07-18'): FakeReply {
  const done = responsesObject(text, model);
  const message = done.output[0];
  const { usage: _usage, ...unfinished } = done;
  const inProgress = { ...unfinished, status: 'in_progress', completed_at: null, output: [] };
  const events: Array<Record<string, unknown>> = [
    { type: 'response.created', response: inProgress },
    { type: 'response.in_progress', response: inProgress },
    { type: 'response.output_item.added', output_index: 0, item: { ...message, status: 'in_progress', content: [] } },
    { type: 'response.content_part.added', item_id: message.id, output_index: 0, content_index: 0, part: { type: 'output_text', text: '', annotations: [], logprobs: [] } },
    ...text.split(/(?<= )/).map((delta) => ({ type: 'response.output_text.delta', item_id: message.id, output_index: 0, content_index: 0, delta, logprobs: [] })),
    { type: 'response.output_text.done', item_id: message.id, output_index: 0, content_index: 0, text, logprobs: [] },
    { type: 'response.content_part.done', item_id: message.id, output_index: 0, content_index: 0, part: message.content[0] },
    { type: 'response.output_item.done', output_index: 0, item: message },
    { type: 'response.completed', response: done },
  ];
  const frames = events.map((event, sequence) => `event: ${event.type}\ndata: ${JSON.stringify({ ...event, sequence_number: sequence })}\n\n`);
  return { headers: { 'content-type': 'text/event-stream' }, chunks: frames };
}

function moderationResult() {
  const categories = ['harassment', 'harassment/threatening', 'hate', 'hate/threatening', 'illicit', 'illicit/violent', 'self-harm', 'self-harm/intent', 'self-harm/instructions', 'sexual', 'sexual/minors', 'violence', 'violence/graphic'];
  return {
    flagged: false,
    categories: Object.fromEntries(categories.map((name) => [name, false])),
    category_scores: Object.fromEntries(categories.map((name) => [name, 0.0001])),
    category_applied_input_types: Object.fromEntries(categories.map((name) => [name, ['text']])),
  };
}
