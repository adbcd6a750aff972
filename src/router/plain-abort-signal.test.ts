import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, vi } from 'vitest';
import { PlainAbortSignal } from './plain-abort-signal.js';

describe('PlainAbortSignal', () => {
  it('runs each abort listener once, in order, then onabort, and keeps the reason', () => {
    const signal = new PlainAbortSignal();
    const calls: string[] = [];
    const first = () => calls.push('first');
    signal.addEventListener('abort', first);
    signal.addEventListener('abort', first);
    signal.addEventListener('abort', { handleEvent: (event) => calls.push(`object ${event.type}`) });
    signal.onabort = () => calls.push('onabort');
    const reason = new Error('gone');
    signal.abort(reason);
    signal.abort(new Error('again'));
    expect(calls).toEqual(['first', 'object abort', 'onabort']);
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe(reason);
    expect(() => signal.throwIfAborted()).toThrow('gone');
  });

  it('forgets a removed listener and ignores other event types', () => {
    const signal = new PlainAbortSignal();
    const listener = vi.fn();
    signal.addEventListener('abort', listener);
    signal.addEventListener('other', listener);
    signal.removeEventListener('abort', listener);
    signal.abort();
    expect(listener).not.toHaveBeenCalled();
    expect(signal.reason).toBeInstanceOf(DOMException);
  });

  it("cancels Node's timers/promises the way an AbortSignal does", async () => {
    const signal = new PlainAbortSignal();
    const waiting = sleep(10_000, undefined, { signal });
    signal.abort(new Error('left'));
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
  });
});
