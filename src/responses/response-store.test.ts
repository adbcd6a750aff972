import { describe, expect, it } from 'vitest';
import { ResponseStore } from './response-store.js';

const stored = (id: string, text = 'x') => ({ id, response: { id, output: [{ text }] }, conversation: [{ role: 'user' as const, content: text }] });

describe('ResponseStore', () => {
  it('keeps each tenant’s responses apart, and forgets them after the TTL', () => {
    const store = new ResponseStore({ ttlSeconds: 10, maxEntriesPerTenant: 10, maxBytesPerTenant: 1 << 20 });
    store.put('a', stored('resp_1'), 0);
    expect(store.get('a', 'resp_1', 9_999)?.id).toBe('resp_1');
    expect(store.get('b', 'resp_1', 1)).toBeUndefined();
    expect(store.get('a', 'resp_1', 10_000)).toBeUndefined();
  });

  it('drops the oldest beyond the entry cap and the byte cap; refuses one larger than the cap', () => {
    const store = new ResponseStore({ ttlSeconds: 3600, maxEntriesPerTenant: 2, maxBytesPerTenant: 400 });
    store.put('a', stored('resp_1'), 0);
    store.put('a', stored('resp_2'), 0);
    store.put('a', stored('resp_3'), 0);
    expect(store.get('a', 'resp_1', 0)).toBeUndefined();
    expect(store.get('a', 'resp_3', 0)).toBeDefined();
    store.put('a', stored('resp_big', 'y'.repeat(150)), 0);
    expect(store.get('a', 'resp_2', 0)).toBeUndefined();
    expect(store.get('a', 'resp_big', 0)).toBeDefined();
    store.put('a', stored('resp_huge', 'z'.repeat(1000)), 0);
    expect(store.get('a', 'resp_huge', 0)).toBeUndefined();
    expect(store.delete('a', 'resp_big')).toBe(true);
    expect(store.delete('a', 'resp_big')).toBe(false);
  });
});
