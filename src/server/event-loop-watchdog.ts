/**
 * @module server/event-loop-watchdog
 * Notices when the event loop was blocked — synchronous work so long that every other request
 * waited — and logs it: `warn "event loop blocked"` with `blockedMs`. A timer ticks every
 * `intervalMs`; a tick that comes late was held up either by work on this thread or by the
 * machine not running the process at all (a busy host). Only the first is a stall of ours, so
 * `blockedMs` is the lateness capped by the CPU time the process used meanwhile (`lateMs` is the
 * lateness itself): a process that waited for a CPU did not block anything.
 *
 * Cheap enough to run always: one timer callback and one CPU-time reading per `intervalMs`, unref'd. The fuzz suite reads
 * these lines to check that no request blocks the loop for more than 200 ms.
 */
import { logger } from '../logging/logger.js';

export interface EventLoopWatchdogOptions {
  /** How often the timer ticks. Default 20 ms. */
  intervalMs?: number;
  /** Blocks at least this long are logged. Default 100 ms. */
  warnAfterMs?: number;
}

export interface EventLoopWatchdog {
  /** The longest block seen since start, in milliseconds. */
  longestBlockMs(): number;
  stop(): void;
}

export function startEventLoopWatchdog({ intervalMs = 20, warnAfterMs = 100 }: EventLoopWatchdogOptions = {}): EventLoopWatchdog {
  let longest = 0;
  let last = performance.now();
  let lastCpu = process.cpuUsage();
  const timer = setInterval(() => {
    const now = performance.now();
    // One reading per tick (it is a getrusage system call, dear on a VM): the interval's CPU time
    // is this reading minus the last one.
    const cpuNow = process.cpuUsage();
    const cpuUs = cpuNow.user - lastCpu.user + (cpuNow.system - lastCpu.system);
    const lateMs = now - last - intervalMs;
    last = now;
    lastCpu = cpuNow;
    if (lateMs < warnAfterMs) return;
    const blockedMs = Math.round(Math.min(lateMs, cpuUs / 1000));
    longest = Math.max(longest, blockedMs);
    if (blockedMs >= warnAfterMs) logger.warn('event loop blocked', { blockedMs, lateMs: Math.round(lateMs) });
  }, intervalMs);
  timer.unref();
  return {
    longestBlockMs: () => longest,
    stop: () => clearInterval(timer),
  };
}
