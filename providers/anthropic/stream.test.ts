import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ChatCompletionChunk } from '../../schemas/openai-chat.js';
import { GatewayError } from '../../src/errors/gateway-error.js';
import { SseDecoder } from '../shared/sse-decoder.js';
import type { ChatStreamPart } from '../types.js';
import { readAnthropicEvents, toChatStreamParts, type AnthropicStreamEvent } from './stream.js';
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

async function collect(events: AnthropicStreamEvent[], signal?: AbortSignal): Promise<ChatStreamPart[]> {
  const parts: ChatStreamPart[] = [];
  for await (const part of toChatStreamParts(from(events), { provider: 'claude', model: 'fallback-model', signal })) parts.push(part);
  return parts;
}

function chunks(parts: ChatStreamPart[]): ChatCompletionChunk[] {
  return parts.flatMap((part) => (part.type === 'chunk' ? [part.chunk] : []));
}

describe('toChatStreamParts on the recorded streams', () => {
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

describe('toChatStreamParts on scripted events', () => {
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
    const error = await (async () => {
      for await (const part of toChatStreamParts(from([start, stop[0]]), { provider: 'claude', model: 'fallback-model' })) parts.push(part);
    })().catch((caught: unknown) => caught);
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

describe('readAnthropicEvents', () => {
  async function read(body: Array<string | Uint8Array>): Promise<AnthropicStreamEvent[]> {
    const events: AnthropicStreamEvent[] = [];
    const bytes = body.map((piece) => (typeof piece === 'string' ? new TextEncoder().encode(piece) : piece));
    for await (const event of readAnthropicEvents('claude', from(bytes))) events.push(event);
    return events;
  }

  it('yields the events of each recording, whatever the byte split, as the SDK did', async () => {
    for (const file of ['basic_response.txt', 'tool_use_response.txt', 'incomplete_partial_json_response.txt']) {
      const bytes = readFileSync(`${recordings}/${file}`);
      for (const size of [1, 7, bytes.length]) {
        const pieces = [];
        for (let start = 0; start < bytes.length; start += size) pieces.push(bytes.subarray(start, start + size));
        expect(await read(pieces)).toEqual(recordedEvents(file));
      }
    }
  });

  it('skips pings and comments, reads an unnamed frame that names its type, and a last frame without a blank line after it', async () => {
    const events = await read([
      ': keep-alive\n\n',
      'event: ping\ndata: {"type": "ping"}\n\n',
      'data: {"type":"message_stop"}\n\n',
      'event: message_stop\r\ndata: {"type":"message_stop"}',
    ]);
    expect(events).toEqual([{ type: 'message_stop' }, { type: 'message_stop' }]);
  });

  it('refuses frames that are not Anthropic events: data that is not JSON, an unnamed frame with no type', async () => {
    for (const frame of ['event: content_block_delta\ndata: {this is not json}\n\n', 'data: {this is not json}\n\n', 'data: {"no":"type"}\n\n', 'data: [1]\n\n']) {
      const error = await read([frame]).catch((caught: unknown) => caught);
      expect(error, frame).toMatchObject({ status: 502, code: 'upstream_invalid_response' });
    }
  });

  it('turns event: error into an error event, even when its data is not JSON', async () => {
    const json = await read(['event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n']);
    expect(json).toEqual([{ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }]);
    const text = await read(['event: error\ndata: upstream broke\n\n']);
    expect(text).toEqual([{ type: 'error', error: { type: null, message: 'upstream broke' } }]);
    const error = await collect(text).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 502, message: 'claude: upstream broke' });
  });

  it('throws a 502 for an event whose data is not a JSON object', async () => {
    const error = await read(['event: content_block_delta\ndata: {"type":"content_bl\n\n']).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ status: 502, code: 'upstream_invalid_response' });
  });
});
