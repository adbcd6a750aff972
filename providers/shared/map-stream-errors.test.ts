import { describe, expect, it } from 'vitest';
import { mapStreamErrors } from './map-stream-errors.js';

async function* numbersThenFailure(closed: { value: boolean }) {
  try {
    yield 1;
    yield 2;
    throw new Error('socket hang up');
  } finally {
    closed.value = true;
  }
}

describe('mapStreamErrors', () => {
  it('passes every item through, then throws the mapped error', async () => {
    const closed = { value: false };
    const seen: number[] = [];
    const mapped = mapStreamErrors(numbersThenFailure(closed), (error) => new Error(`mapped: ${(error as Error).message}`));
    await expect(
      (async () => {
        for await (const item of mapped) seen.push(item);
      })(),
    ).rejects.toThrow('mapped: socket hang up');
    expect(seen).toEqual([1, 2]);
    expect(closed.value).toBe(true);
  });

  it('closes the inner stream when the consumer stops early', async () => {
    const closed = { value: false };
    for await (const item of mapStreamErrors(numbersThenFailure(closed), (error) => error)) {
      expect(item).toBe(1);
      break;
    }
    expect(closed.value).toBe(true);
  });
});
