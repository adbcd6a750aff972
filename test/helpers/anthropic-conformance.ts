/**
 * @module test/helpers/anthropic-conformance
 * Checks Messages stream events against the real Anthropic streams recorded in
 * `../shared/conformance/anthropic/`: the order (message_start; per block a start, deltas and a
 * stop; message_delta; message_stop; pings anywhere) and, for every event, block and delta type
 * the recordings show, the same fields — every field present in all recordings, and none they
 * never show.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { SseDecoder } from '../../providers/shared/sse-decoder.js';
import { conformancePath } from './conformance.js';

interface FieldSets {
  always: Set<string>;
  ever: Set<string>;
}

const recordings = ['basic_response.txt', 'tool_use_response.txt', 'incomplete_partial_json_response.txt'];
let recorded: Map<string, FieldSets> | undefined;

/** `message_start`, `message_start.message`, `content_block_start.content_block:text`, `content_block_delta.delta:text_delta`... */
function shapes(event: any): Array<[string, any]> {
  const found: Array<[string, any]> = [[event.type, event]];
  if (event.type === 'message_start') found.push(['message_start.message', event.message]);
  if (event.type === 'content_block_start') found.push([`content_block:${event.content_block?.type}`, event.content_block]);
  if (event.type === 'content_block_delta') found.push([`delta:${event.delta?.type}`, event.delta]);
  if (event.type === 'message_delta') found.push(['message_delta.delta', event.delta]);
  return found;
}

function recordedShapes(): Map<string, FieldSets> {
  if (recorded) return recorded;
  recorded = new Map();
  for (const file of recordings) {
    const decoder = new SseDecoder();
    const events = [...decoder.push(readFileSync(conformancePath('anthropic', file))), ...decoder.end()];
    for (const { data } of events) {
      for (const [name, value] of shapes(JSON.parse(data))) {
        const keys = Object.keys(value ?? {});
        const sets = recorded.get(name);
        if (!sets) recorded.set(name, { always: new Set(keys), ever: new Set(keys) });
        else {
          for (const key of sets.always) if (!keys.includes(key)) sets.always.delete(key);
          for (const key of keys) sets.ever.add(key);
        }
      }
    }
  }
  return recorded;
}

const order = /^message_start (content_block_start (content_block_delta )*content_block_stop )*message_delta message_stop$/;

export function expectAnthropicStreamConforms(events: any[]): void {
  const sequence = events.map((event) => event.type).filter((type) => type !== 'ping').join(' ');
  expect(sequence).toMatch(order);
  const known = recordedShapes();
  for (const event of events) {
    for (const [name, value] of shapes(event)) {
      const sets = known.get(name);
      if (!sets) continue;
      const keys = Object.keys(value ?? {});
      expect(keys.filter((key) => !sets.ever.has(key)), `${name} fields no recording shows`).toEqual([]);
      expect([...sets.always].filter((key) => !keys.includes(key)), `${name} fields every recording has`).toEqual([]);
    }
  }
}
