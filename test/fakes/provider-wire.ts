/**
 * @module test/fakes/provider-wire
 * The pieces of a correct answer in each provider's own wire format — a streamed answer's opening
 * events, its terminal events, a whole JSON answer, an embeddings answer, an error body — for the
 * fault-injecting upstream to cut, corrupt or inflate. Shapes follow the recordings in
 * ../shared/conformance (OpenAI chunks, Anthropic `event:` frames, Gemini CRLF-framed events).
 */
export type ProviderKind = 'openai' | 'anthropic' | 'gemini';

export interface ProviderWire {
  /** Events a stream opens with: the role, then "Hel" and "lo" as text. */
  streamStart: string[];
  /** One more text event: `text` as a content delta. */
  textEvent(text: string): string;
  /** What ends a complete stream: a finish, the usage, the terminal event. */
  streamEnd: string[];
  /** The framing of one event whose data is `data` (used for corrupted events). */
  frame(data: string): string;
  /** A complete non-streamed answer saying "Hello". */
  answer: string;
  /** An embeddings answer with one vector (OpenAI and Gemini only). */
  embeddings?: string;
  /** An error body in the provider's shape with `message`. */
  error(message: string): string;
  /** A complete answer carrying `deep` (JSON text) where the provider puts structured data: tool input, function args, or (OpenAI) the content. */
  deepAnswer(deep: string): string;
  /** A stream's events carrying `deep` the same way, terminal events included. */
  deepStream(deep: string): string[];
}

/** `{"a":[[[…]]]}` nested `levels` deep, as text: built by hand, since JSON.stringify cannot go that deep. */
export function deepJson(levels: number): string {
  return `{"a":${'['.repeat(levels)}${']'.repeat(levels)}}`;
}

const openAIChunk = (delta: Record<string, unknown>, finish: string | null = null, usage: unknown = null) =>
  JSON.stringify({ id: 'chatcmpl-fault', object: 'chat.completion.chunk', created: 1_723_031_664, model: 'gpt-4o-mini', choices: usage && !finish && Object.keys(delta).length === 0 ? [] : [{ index: 0, delta, logprobs: null, finish_reason: finish }], usage });

const openAI: ProviderWire = {
  streamStart: [openAIChunk({ role: 'assistant', content: '' }), openAIChunk({ content: 'Hel' }), openAIChunk({ content: 'lo' })].map((data) => `data: ${data}\n\n`),
  textEvent: (text) => `data: ${openAIChunk({ content: text })}\n\n`,
  streamEnd: [openAIChunk({}, 'stop'), openAIChunk({}, null, { prompt_tokens: 9, completion_tokens: 2, total_tokens: 11 }), '[DONE]'].map((data) => `data: ${data}\n\n`),
  frame: (data) => `data: ${data}\n\n`,
  answer: JSON.stringify({
    id: 'chatcmpl-fault',
    object: 'chat.completion',
    created: 1_723_031_664,
    model: 'gpt-4o-mini',
    choices: [{ index: 0, message: { role: 'assistant', content: 'Hello', refusal: null }, logprobs: null, finish_reason: 'stop' }],
    usage: { prompt_tokens: 9, completion_tokens: 2, total_tokens: 11 },
  }),
  embeddings: JSON.stringify({ object: 'list', data: [{ object: 'embedding', index: 0, embedding: [0.1, -0.2, 0.3] }], model: 'text-embedding-3-small', usage: { prompt_tokens: 2, total_tokens: 2 } }),
  error: (message) => JSON.stringify({ error: { message, type: 'invalid_request_error', param: null, code: null } }),
  deepAnswer: (deep) => openAI.answer.replace('"content":"Hello"', `"content":${JSON.stringify(deep)}`),
  deepStream: (deep) => [`data: ${openAIChunk({ role: 'assistant', content: deep })}\n\n`, ...openAI.streamEnd],
};

const anthropicEvent = (type: string, data: Record<string, unknown>) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;

const anthropic: ProviderWire = {
  streamStart: [
    anthropicEvent('message_start', { message: { id: 'msg_fault', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5', content: [], stop_reason: null, usage: { input_tokens: 9, output_tokens: 1 } } }),
    anthropicEvent('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
    anthropicEvent('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'Hel' } }),
    anthropicEvent('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'lo' } }),
  ],
  textEvent: (text) => anthropicEvent('content_block_delta', { index: 0, delta: { type: 'text_delta', text } }),
  streamEnd: [
    anthropicEvent('content_block_stop', { index: 0 }),
    anthropicEvent('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 2 } }),
    anthropicEvent('message_stop', {}),
  ],
  frame: (data) => `event: content_block_delta\ndata: ${data}\n\n`,
  answer: JSON.stringify({
    id: 'msg_fault',
    type: 'message',
    role: 'assistant',
    model: 'claude-sonnet-4-5',
    content: [{ type: 'text', text: 'Hello' }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: 9, output_tokens: 2 },
  }),
  error: (message) => JSON.stringify({ type: 'error', error: { type: 'invalid_request_error', message } }),
  deepAnswer: (deep) => anthropic.answer.replace('[{"type":"text","text":"Hello"}]', `[{"type":"tool_use","id":"toolu_deep","name":"lookup","input":${deep}}]`),
  deepStream: (deep) => [
    anthropic.streamStart[0]!,
    `event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"toolu_deep","name":"lookup","input":${deep}}}\n\n`,
    ...anthropic.streamEnd,
  ],
};

const geminiEvent = (text: string, finish?: string) =>
  `data: ${JSON.stringify({
    candidates: [{ content: { parts: [{ text }], role: 'model' }, index: 0, ...(finish ? { finishReason: finish } : {}) }],
    usageMetadata: { promptTokenCount: 9, candidatesTokenCount: 2, totalTokenCount: 11 },
    modelVersion: 'gemini-2.5-flash',
    responseId: 'fault',
  })}\r\n\r\n`;

const gemini: ProviderWire = {
  streamStart: [geminiEvent('Hel'), geminiEvent('lo')],
  textEvent: (text) => geminiEvent(text),
  streamEnd: [geminiEvent('', 'STOP')],
  frame: (data) => `data: ${data}\r\n\r\n`,
  answer: JSON.stringify({
    candidates: [{ content: { parts: [{ text: 'Hello' }], role: 'model' }, finishReason: 'STOP', index: 0 }],
    usageMetadata: { promptTokenCount: 9, candidatesTokenCount: 2, totalTokenCount: 11 },
    modelVersion: 'gemini-2.5-flash',
    responseId: 'fault',
  }),
  embeddings: JSON.stringify({ embeddings: [{ values: [0.1, -0.2, 0.3] }] }),
  error: (message) => JSON.stringify({ error: { code: 400, message, status: 'INVALID_ARGUMENT' } }),
  deepAnswer: (deep) => gemini.answer.replace('[{"text":"Hello"}]', `[{"functionCall":{"name":"lookup","args":${deep}}}]`),
  deepStream: (deep) => [`data: ${gemini.answer.replace('[{"text":"Hello"}]', `[{"functionCall":{"name":"lookup","args":${deep}}}]`)}\r\n\r\n`],
};

export const providerWire: Record<ProviderKind, ProviderWire> = { openai: openAI, anthropic, gemini };
