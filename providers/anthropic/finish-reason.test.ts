import { describe, expect, it } from 'vitest';
import { mapFinishReason } from './finish-reason.js';

describe('mapFinishReason', () => {
  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['pause_turn', 'stop'],
    ['max_tokens', 'length'],
    ['model_context_window_exceeded', 'length'],
    ['tool_use', 'tool_calls'],
    ['refusal', 'content_filter'],
    ['something_new', 'stop'],
    [null, 'stop'],
    [undefined, 'stop'],
  ])('%s → %s', (stopReason, finishReason) => {
    expect(mapFinishReason(stopReason)).toBe(finishReason);
  });
});
