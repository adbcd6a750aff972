import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from './circuit-breaker.js';
import type { BreakerState } from './types.js';

const options = { windowMs: 1000, minRequests: 4, failureRatio: 0.5, openMs: 100, trialRequests: 2 };

describe('CircuitBreaker', () => {
  it('opens on the failure ratio, half-opens after the open time, closes after its trials succeed', () => {
    let now = 0;
    const changes: BreakerState[] = [];
    const breaker = new CircuitBreaker(options, () => now, (state) => changes.push(state));
    breaker.recordSuccess(breaker.admit());
    breaker.recordSuccess(breaker.admit());
    breaker.recordFailure(breaker.admit());
    expect(breaker.state).toBe('closed');
    breaker.recordFailure(breaker.admit());
    expect(breaker.state).toBe('open');
    expect(breaker.allows()).toBe(false);
    now = 100;
    expect(breaker.state).toBe('half_open');
    const first = breaker.admit();
    const second = breaker.admit();
    expect([first, second]).toEqual(['trial', 'trial']);
    expect(breaker.allows()).toBe(false);
    breaker.recordSuccess(first);
    breaker.recordSuccess(second);
    expect(breaker.state).toBe('closed');
    expect(changes).toEqual(['open', 'half_open', 'closed']);
  });

  it('a failed trial reopens it for twice as long', () => {
    let now = 0;
    const breaker = new CircuitBreaker(options, () => now, () => {});
    for (let index = 0; index < 4; index++) breaker.recordFailure(breaker.admit());
    now = 100;
    breaker.recordFailure(breaker.admit());
    expect(breaker.state).toBe('open');
    now = 299;
    expect(breaker.state).toBe('open');
    now = 300;
    expect(breaker.state).toBe('half_open');
  });

  it('never admits more than trialRequests at once while half-open, whatever the sequence', () => {
    const step = fc.oneof(fc.constant('admit' as const), fc.constant('succeed' as const), fc.constant('fail' as const), fc.constant('wait' as const));
    fc.assert(
      fc.property(fc.array(step, { maxLength: 200 }), (steps) => {
        let now = 0;
        const breaker = new CircuitBreaker(options, () => now, () => {});
        const trials: Array<'normal' | 'trial'> = [];
        for (const action of steps) {
          if (action === 'wait') now += 60;
          else if (action === 'admit') {
            if (breaker.allows()) trials.push(breaker.admit());
          } else {
            const ticket = trials.shift();
            if (ticket === undefined) continue;
            if (action === 'succeed') breaker.recordSuccess(ticket);
            else breaker.recordFailure(ticket);
          }
          if (breaker.state === 'half_open') {
            expect(trials.filter((ticket) => ticket === 'trial').length).toBeLessThanOrEqual(options.trialRequests);
          }
          if (breaker.state === 'open') expect(breaker.allows()).toBe(false);
        }
      }),
    );
  });
});
