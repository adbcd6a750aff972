import { describe, expect, it } from 'vitest';
import type { ChatStreamPart } from '../../providers/types.js';
import { ForwardedSample } from './forwarded-sample.js';

const part = (text: string): ChatStreamPart => ({ type: 'raw', events: [JSON.stringify({ choices: [{ delta: { content: text } }] })] });

describe('ForwardedSample', () => {
  it('keeps parts up to its limit, then only measures them, and scales the estimate by what it did not keep', () => {
    const sample = new ForwardedSample(100);
    expect(sample.empty).toBe(true);
    for (let index = 0; index < 10; index++) sample.add(part('x'), 25);
    expect(sample.parts).toHaveLength(4);
    expect(sample.empty).toBe(false);
    expect(sample.outputScale).toBe(2.5);
  });

  it('holds a bounded amount of a stream of any length', () => {
    const sample = new ForwardedSample();
    const piece = part('y'.repeat(1000));
    for (let index = 0; index < 100_000; index++) sample.add(piece, 1050);
    expect(sample.parts.length).toBeLessThan(4_000);
    expect(sample.outputScale).toBeGreaterThan(25);
  });
});
