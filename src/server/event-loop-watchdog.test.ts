import { afterEach, describe, expect, it, vi } from 'vitest';
import { startEventLoopWatchdog, type EventLoopWatchdog } from './event-loop-watchdog.js';

let watchdog: EventLoopWatchdog | undefined;
afterEach(() => {
  watchdog?.stop();
  vi.restoreAllMocks();
});

const cpuMsSince = (start: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
};
const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('startEventLoopWatchdog', () => {
  it('reports a block of synchronous work, and logs it', async () => {
    const written: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    watchdog = startEventLoopWatchdog({ intervalMs: 10, warnAfterMs: 100 });
    await tick(30);
    // Busy for 250 ms of CPU (on a crowded machine that is longer on the clock): the timer cannot run.
    const started = process.cpuUsage();
    while (cpuMsSince(started) < 250) {
      // spin
    }
    await tick(30);
    expect(watchdog.longestBlockMs()).toBeGreaterThanOrEqual(200);
    expect(written.join('')).toMatch(/"message":"event loop blocked","blockedMs":\d+/);
  });

  it('reports nothing for a loop that only waits', async () => {
    watchdog = startEventLoopWatchdog({ intervalMs: 10, warnAfterMs: 100 });
    await tick(150);
    expect(watchdog.longestBlockMs()).toBeLessThan(100);
  });
});
