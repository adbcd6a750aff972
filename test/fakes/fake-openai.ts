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
