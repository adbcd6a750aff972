import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ChatCompletionChunk } from '../../schemas/openai-chat.js';
import { GatewayError } from '../../src/errors/gateway-error.js';
import { SseDecoder } from '../shared/sse-decoder.js';
import type { ChatStreamPart } from '../types.js';
import { anthropicChatStream, type AnthropicStreamEvent } from './stream.js';
import { conformancePath } from '../../test/helpers/conformance.js';

const recordings = conformancePath('anthropic');

/** A recorded SSE file → its events, as `@anthropic-ai/sdk` handed them over (pings and unnamed frames dropped). */
function recordedEvents(file: string): AnthropicStreamEvent[] {
  const decoder = new SseDecoder();
  const frames = [...decoder.push(readFileSync(`${recordings}/${file}`)), ...decoder.end()];
  return frames.filter((frame) => frame.event && frame.event !== 'ping').map((frame) => JSON.parse(frame.data));
}

async function* from<T>(items: T[]): AsyncGenerator<T> {
  for (const item of items) yield item;
}

/** Events as Anthropic frames them: `event: <type>` and the JSON as `data`. */
function sse(events: AnthropicStreamEvent[]): string {
  return events.map((event) => `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`).join('');
}

interface CollectOptions {
  signal?: AbortSignal;
  includeUsage?: boolean;
}

/** The parts of a body that arrives in these pieces (one network read each). */
async function collectBody(pieces: Array<string | Uint8Array>, { signal, includeUsage }: CollectOptions = {}, parts: ChatStreamPart[] = []): Promise<ChatStreamPart[]> {
  const bytes = pieces.map((piece) => (typeof piece === 'string' ? new TextEncoder().encode(piece) : piece));
  for await (const part of anthropicChatStream(from(bytes), { provider: 'claude', model: 'fallback-model', signal, includeUsage })) parts.push(part);
  return parts;
}

function collect(events: AnthropicStreamEvent[], signal?: AbortSignal): Promise<ChatStreamPart[]> {
  return collectBody([sse(events)], { signal });
}

/** The chunk JSON the parts carry, in order. */
function chunkTexts(parts: ChatStreamPart[]): string[] {
  return parts.flatMap((part) => (part.type === 'raw' ? part.events : []));
}

function chunks(parts: ChatStreamPart[]): ChatCompletionChunk[] {
  return chunkTexts(parts).map((text) => JSON.parse(text) as ChatCompletionChunk);
}

function split(bytes: Uint8Array, size: number): Uint8Array[] {
  const pieces = [];
  for (let start = 0; start < bytes.length; start += size) pieces.push(bytes.subarray(start, start + size));
  return pieces;
}

describe('anthropicChatStream on the recorded streams', () => {
  it('maps basic_response.txt: role first, text deltas, finish, then usage once', async () => {
    const parts = await collect(recordedEvents('basic_response.txt'));
    const list = chunks(parts);
    expect(list.map((chunk) => chunk.choices[0].delta)).toEqual([
      { role: 'assistant', content: '' },
      { content: 'Hello' },
      { content: ' there' },
      { content: '!' },
      {},
    ]);
    expect(list.map((chunk) => chunk.choices[0].finish_reason)).toEqual([null, null, null, null, 'stop']);
    expect(new Set(list.map((chunk) => chunk.id))).toEqual(new Set(['msg_4QpJur2dWWDjF6C758FbBw5vm12BaVipnK']));
    expect(new Set(list.map((chunk) => chunk.model))).toEqual(new Set(['claude-opus-4-8']));
    expect(new Set(list.map((chunk) => chunk.created)).size).toBe(1);
    expect(list[0]).toMatchObject({ object: 'chat.completion.chunk', choices: [{ index: 0, logprobs: null }] });
    const usage = parts.filter((part) => part.type === 'usage');
    expect(usage).toHaveLength(1);
    expect(parts[parts.length - 1]).toEqual({
      type: 'usage',
      usage: expect.objectContaining({ inputTokens: 11, outputTokens: 6, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 }),
    });
  });

  it('maps tool_use_response.txt: text, then one tool call announced once and argument pieces by index', async () => {
    const list = chunks(await collect(recordedEvents('tool_use_response.txt')));
    const toolDeltas = list.flatMap((chunk) => chunk.choices[0].delta.tool_calls ?? []);
    expect(toolDeltas).toEqual([
      { index: 0, id: 'toolu_01NRLabsLyVHZPKxbKvkfSMn', type: 'function', function: { name: 'get_weather', arguments: '' } },
      { index: 0, function: { arguments: '{"locati' } },
      { index: 0, function: { arguments: 'on": "P' } },
      { index: 0, function: { arguments: 'ar' } },
      { index: 0, function: { arguments: 'is"}' } },
    ]);
    const argumentsText = toolDeltas.map((delta) => delta.function?.arguments ?? '').join('');
    expect(JSON.parse(argumentsText)).toEqual({ location: 'Paris' });
    expect(list.map((chunk) => chunk.choices[0].delta.content ?? '').join('')).toBe("I'll check the current weather in Paris for you.");
    expect(list[list.length - 1].choices[0]).toEqual({ index: 0, delta: {}, finish_reason: 'tool_calls', logprobs: null });
  });

  it('maps incomplete_partial_json_response.txt (cut at max_tokens) to finish_reason length', async () => {
    const parts = await collect(recordedEvents('incomplete_partial_json_response.txt'));
    const list = chunks(parts);
    expect(list[list.length - 1].choices[0].finish_reason).toBe('length');
    expect(list[0].model).toBe('claude-sonnet-4-5');
    expect(parts[parts.length - 1]).toMatchObject({ type: 'usage', usage: { inputTokens: 450, outputTokens: 124 } });
  });

  it('decodes the same events whatever the byte split', async () => {
    const bytes = readFileSync(`${recordings}/tool_use_response.txt`);
    const whole = recordedEvents('tool_use_response.txt');
    for (const size of [1, 3, 7, 64]) {
      const decoder = new SseDecoder();
      const frames = [];
      for (let start = 0; start < bytes.length; start += size) frames.push(...decoder.push(bytes.subarray(start, start + size)));
      frames.push(...decoder.end());
      const events = frames.filter((frame) => frame.event !== 'ping').map((frame) => JSON.parse(frame.data));
      expect(events).toEqual(whole);
    }
  });
});

describe('anthropicChatStream on scripted events', () => {
  const start: AnthropicStreamEvent = {
    type: 'message_start',
    message: {
      id: 'msg_1',
      model: 'claude-opus-4-8',
      content: [],
      usage: { input_tokens: 100, cache_read_input_tokens: 2000, cache_creation_input_tokens: 300, output_tokens: 1 },
    },
  };
  const stop: AnthropicStreamEvent[] = [
    { type: 'message_delta', delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 42 } },
    { type: 'message_stop' },
  ];
  const toolBlock = (index: number, id: string, name: string, json: string): AnthropicStreamEvent[] => [
    { type: 'content_block_start', index, content_block: { type: 'tool_use', id, name, input: {} } },
    { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: '' } },
    { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: json } },
    { type: 'content_block_stop', index },
  ];

  it('numbers parallel tool calls 0, 1… among tool calls only, skipping thinking and text blocks', async () => {
    const events: AnthropicStreamEvent[] = [
      start,
      { type: 'content_block_start', index: 0, content_block: { type: 'thinking' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'content_block_start', index: 1, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'Checking.' } },
      { type: 'content_block_stop', index: 1 },
      ...toolBlock(2, 'toolu_a', 'weather', '{"city":"Paris"}'),
      ...toolBlock(3, 'toolu_b', 'weather', '{"city":"Oslo"}'),
      ...stop,
    ];
    const list = chunks(await collect(events));
    expect(list.flatMap((chunk) => chunk.choices[0].delta.tool_calls ?? [])).toEqual([
      { index: 0, id: 'toolu_a', type: 'function', function: { name: 'weather', arguments: '' } },
      { index: 0, function: { arguments: '{"city":"Paris"}' } },
      { index: 1, id: 'toolu_b', type: 'function', function: { name: 'weather', arguments: '' } },
      { index: 1, function: { arguments: '{"city":"Oslo"}' } },
    ]);
    expect(list.map((chunk) => chunk.choices[0].delta.content).filter(Boolean)).toEqual(['Checking.']);
  });

  it('keeps cache reads and writes apart, with cumulative output from message_delta', async () => {
    const parts = await collect([start, ...stop]);
    expect(parts[parts.length - 1]).toEqual({
      type: 'usage',
      usage: {
        inputTokens: 100,
        cachedInputTokens: 2000,
        cacheWriteTokens: 300,
        outputTokens: 42,
        reasoningTokens: 0,
        raw: { input_tokens: 100, cache_read_input_tokens: 2000, cache_creation_input_tokens: 300, output_tokens: 42 },
      },
    });
  });

  it('skips pings and event types it does not know', async () => {
    const parts = await collect([start, { type: 'ping' }, { type: 'some_future_event' }, ...stop]);
    expect(chunks(parts)).toHaveLength(2);
  });

  it('throws a mapped GatewayError for an error event mid-stream', async () => {
    const events: AnthropicStreamEvent[] = [start, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }];
    const error = await collect(events).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ status: 503, code: 'overloaded_error', message: 'claude: Overloaded' });
  });

  it('throws 502 when the stream ends before the message is complete', async () => {
    const error = await collect([start, { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }]).catch(
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({ status: 502, code: 'upstream_stream_incomplete' });
  });

  it('fails a stream cut after message_delta (no message_stop), having first reported the usage it told', async () => {
    const parts: ChatStreamPart[] = [];
    const error = await collectBody([sse([start, stop[0]])], {}, parts).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 502, code: 'upstream_stream_incomplete' });
    expect(parts.at(-1)).toMatchObject({ type: 'usage', usage: { outputTokens: 42 } });
    expect(chunks(parts).some((chunk) => chunk.choices[0].finish_reason !== null)).toBe(false);
  });

  it('calls a stream with no event at all an invalid answer, not a cut one', async () => {
    const error = await collect([]).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 502, code: 'upstream_invalid_response' });
  });

  it('reports 499 when the caller aborted (the SDK ends its iterator quietly then)', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await collect([start], controller.signal).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 499, code: 'client_closed_request' });
  });

  it('reports the fallback model until message_start names one', async () => {
    const list = chunks(await collect([{ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'x' } }, ...stop]));
    expect(list[0].model).toBe('fallback-model');
  });
});

describe('anthropicChatStream reading the body', () => {
  const read = (body: Array<string | Uint8Array>) => collectBody(body);

  it('translates each recording to the same chunks whatever the byte split', async () => {
    for (const file of ['basic_response.txt', 'tool_use_response.txt', 'incomplete_partial_json_response.txt']) {
      const bytes = readFileSync(`${recordings}/${file}`);
      const whole = await read([bytes]);
      for (const size of [1, 7]) {
        const parts = await read(split(bytes, size));
        expect(chunkTexts(parts)).toEqual(chunkTexts(whole));
        expect(parts.at(-1)).toEqual(whole.at(-1));
      }
    }
  });

  it('skips pings and comments, reads an unnamed frame that names its type, and a last frame without a blank line after it', async () => {
    const parts = await read([
      ': keep-alive\n\n',
      'event: ping\ndata: {"type": "ping"}\n\n',
      'data: {"type":"message_start","message":{"id":"msg_1","model":"claude-x"}}\n\n',
      'event: content_block_delta\r\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}\r\n\r\n',
      'event: message_stop\r\ndata: {"type":"message_stop"}',
    ]);
    expect(chunks(parts).map((chunk) => [chunk.choices[0].delta, chunk.choices[0].finish_reason])).toEqual([
      [{ role: 'assistant', content: '' }, null],
      [{ content: 'Hi' }, null],
      [{}, 'stop'],
    ]);
    expect(parts.at(-1)).toMatchObject({ type: 'usage' });
  });

  it('refuses frames that are not Anthropic events: data that is not JSON, an unnamed frame with no type', async () => {
    for (const frame of ['event: content_block_delta\ndata: {this is not json}\n\n', 'data: {this is not json}\n\n', 'data: {"no":"type"}\n\n', 'data: [1]\n\n']) {
      const error = await read([frame]).catch((caught: unknown) => caught);
      expect(error, frame).toMatchObject({ status: 502, code: 'upstream_invalid_response' });
    }
  });

  it('turns event: error into an error, even when its data is not JSON', async () => {
    const json = await read(['event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n']).catch((caught: unknown) => caught);
    expect(json).toMatchObject({ status: 503, code: 'overloaded_error', message: 'claude: Overloaded' });
    const text = await read(['event: error\ndata: upstream broke\n\n']).catch((caught: unknown) => caught);
    expect(text).toMatchObject({ status: 502, message: 'claude: upstream broke' });
  });

  it('throws a 502 for an event whose data is not a JSON object', async () => {
    const error = await read(['event: content_block_delta\ndata: {"type":"content_bl\n\n']).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ status: 502, code: 'upstream_invalid_response' });
  });
});

describe('anthropicChatStream writing chunk JSON', () => {
  const basic = () => readFileSync(`${recordings}/basic_response.txt`);

  it('writes each chunk as JSON.stringify writes the chunk object: same keys, same order', async () => {
    const texts = chunkTexts(await collectBody([basic()]));
    const created = (JSON.parse(texts[0]) as ChatCompletionChunk).created;
    expect(texts[0]).toBe(
      `{"id":"msg_4QpJur2dWWDjF6C758FbBw5vm12BaVipnK","object":"chat.completion.chunk","created":${created},"model":"claude-opus-4-8","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null,"logprobs":null}]}`,
    );
    for (const text of texts) expect(text).toBe(JSON.stringify(JSON.parse(text)));
    expect(texts.at(-1)).toContain('"choices":[{"index":0,"delta":{},"finish_reason":"stop","logprobs":null}]}');
  });

  it('escapes upstream text as JSON.stringify does, and writes tool calls in the order of the chunk objects', async () => {
    const events: AnthropicStreamEvent[] = [
      { type: 'message_start', message: { id: 'msg_1', model: 'claude-x', content: [] } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'a "quote" \\ \n \u0001 \u2028 \ud83d\ude00' } },
      { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'toolu_1', name: 'f', input: { given: [1, 'two'] } } },
      { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"x": 1}' } },
      { type: 'message_stop' },
    ];
    const texts = chunkTexts(await collect(events));
    for (const text of texts) expect(text).toBe(JSON.stringify(JSON.parse(text)));
    expect(JSON.parse(texts[1]).choices[0].delta).toEqual({ content: 'a "quote" \\ \n \u0001 \u2028 \ud83d\ude00' });
    expect(texts[2]).toContain('"delta":{"tool_calls":[{"index":0,"id":"toolu_1","type":"function","function":{"name":"f","arguments":"{\\"given\\":[1,\\"two\\"]}"}}]}');
    expect(texts[3]).toContain('"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\\"x\\": 1}"}}]}');
  });

  it('with include_usage, ends every chunk with "usage":null and adds the usage chunk of the first chunk’s identity', async () => {
    const parts = await collectBody([basic()], { includeUsage: true });
    const texts = chunkTexts(parts);
    for (const text of texts) expect(text.endsWith('],"usage":null}')).toBe(true);
    const first = JSON.parse(texts[0]) as ChatCompletionChunk;
    const usage = parts.at(-1);
    expect(usage).toMatchObject({ type: 'usage', usage: { inputTokens: 11, outputTokens: 6 } });
    expect(usage?.type === 'usage' && usage.json).toBe(
      `{"id":"${first.id}","created":${first.created},"model":"claude-opus-4-8","object":"chat.completion.chunk","choices":[],` +
        `"usage":{"prompt_tokens":11,"completion_tokens":6,"total_tokens":17,"prompt_tokens_details":{"cached_tokens":0,"cache_write_tokens":0},"completion_tokens_details":{"reasoning_tokens":0}}}`,
    );
    // Without it, neither: the SSE encoder writes no usage chunk then.
    const plain = await collectBody([basic()]);
    expect(chunkTexts(plain).some((text) => text.includes('"usage"'))).toBe(false);
    expect(plain.at(-1)).not.toHaveProperty('json');
  });

  it('sends the first chunk on its own, then the chunks of one network read as one part, the usage after the last chunk', async () => {
    const parts = await collectBody([basic()]);
    expect(parts.map((part) => (part.type === 'raw' ? part.events.length : part.type))).toEqual([1, 4, 'usage']);
    const perEvent = await collectBody(basic().toString('utf8').split(/(?<=\n\n)/));
    expect(perEvent.filter((part) => part.type === 'raw').every((part) => part.type === 'raw' && part.events.length === 1)).toBe(true);
    expect(chunkTexts(perEvent)).toEqual(chunkTexts(parts));
  });

  it('sends the chunks that came before a failure in the same read, then fails', async () => {
    const parts: ChatStreamPart[] = [];
    const body = sse([
      { type: 'message_start', message: { id: 'msg_1', model: 'claude-x', content: [] } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hello' } },
    ]);
    const error = await collectBody([`${body}event: content_block_delta\ndata: {broken\n\n`], {}, parts).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 502, code: 'upstream_invalid_response' });
    expect(chunks(parts).map((chunk) => chunk.choices[0].delta)).toEqual([{ role: 'assistant', content: '' }, { content: 'Hello' }]);
  });

  it('keeps the usage of a complete message when a broken event follows it in the same read', async () => {
    const parts: ChatStreamPart[] = [];
    const error = await collectBody([`${basic().toString('utf8')}data: {broken\n\n`], {}, parts).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 502, code: 'upstream_invalid_response' });
    expect(parts.at(-1)).toMatchObject({ type: 'usage', usage: { inputTokens: 11, outputTokens: 6 } });
  });

  it('writes a text delta without parsing it only when it is exactly the plain form, and the same chunk either way', async () => {
    const head = 'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1","model":"claude-x"}}\n\n';
    const delta = (data: string) => `event: content_block_delta\ndata: ${data}\n\n`;
    const plain = '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Grüße \u2028 😀"}}';
    const spaced = '{"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Grüße \u2028 😀"}}';
    const escaped = '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Gr\\u00fc\\u00dfe \\u2028 😀"}}';
    // Cut after the delta (no message_stop): the chunks still come before the error.
    const parts = await Promise.all(
      [plain, spaced, escaped].map(async (data) => {
        const collected: ChatStreamPart[] = [];
        await collectBody([head + delta(data)], {}, collected).catch(() => undefined);
        return chunkTexts(collected)[1];
      }),
    );
    expect(JSON.parse(parts[0]!).choices[0].delta).toEqual({ content: 'Grüße \u2028 😀' });
    expect(parts[1]).toBe(parts[0]);
    expect(parts[2]).toBe(parts[0]);
    // Look-alikes that are not JSON are refused, as any event that is not JSON.
    for (const data of [plain.replace('"index":0', '"index":01'), plain.replace('"index":0', '"index":'), `${plain}x`, plain.replace('😀"}}', '😀"}}"}}')]) {
      const error = await collectBody([head + delta(data)]).catch((caught: unknown) => caught);
      expect(error, data).toMatchObject({ status: 502, code: 'upstream_invalid_response' });
    }
  });
});
