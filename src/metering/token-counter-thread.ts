/**
 * @module metering/token-counter-thread
 * Token counts for estimates, computed in a worker thread that starts on first use and stops
 * after a minute without work. tiktoken's encoder costs ~65 MB and ~0.5 s to build; most gateways
 * need an estimate only now and then (a client that left mid-stream), so they should pay neither
 * on start-up nor on the request path.
 *
 * An estimate settles a call (its ledger row, its quota reservation, its concurrency slot), so it
 * must always arrive, and soon: each count has a deadline (`countBudgetMs` after it was asked
 * for, or after the encoder was built) past which the thread counts the rest of the text as one
 * token per UTF-8 byte; a thread that has not answered `hardTimeoutMs` later, or that failed, is
 * replaced, and the estimate falls back to that byte bound. `estimateUsage` never rejects.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { NormalizedUsage } from '../../providers/types.js';
import { logger } from '../logging/logger.js';
import { boundedCountSource } from './bounded-count.js';

const idleMs = 60_000;

export interface TokenCounterOptions {
  /** Counting time per request before the rest of its texts counts as bytes. Default 2,000 ms. */
  countBudgetMs?: number;
  /** How much longer an answer may take (the thread's start-up included) before the thread is replaced. Default 8,000 ms. */
  hardTimeoutMs?: number;
}

/**
 * The thread's code, plain CommonJS evaluated in the worker: a file would need a TypeScript
 * loader under tests and `npm run dev`, which worker threads do not inherit. It counts exactly as
 * `countTokens` does (the same `bounded-count.ts` source); a test holds the two together.
 */
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const { get_encoding } = require(workerData.tiktoken);
const countBounded = ${boundedCountSource};
let encoder;
let readyAt = 0;
parentPort.on('message', ({ id, texts, postedAt, budgetMs }) => {
  try {
    if (!encoder) {
      encoder = get_encoding('o200k_base');
      readyAt = Date.now();
    }
    // Time spent waiting behind other counts is spent from the budget; building the encoder is not.
    const deadline = Math.max(postedAt, readyAt) + budgetMs;
    parentPort.postMessage({ id, counts: texts.map((text) => (text.length === 0 ? 0 : countBounded(encoder, text, deadline))) });
  } catch (error) {
    parentPort.postMessage({ id, error: String(error) });
  }
});
`;

interface Waiter {
  worker: Worker;
  resolve(counts: number[]): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export class TokenCounterThread {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Waiter>();
  private idleTimer: NodeJS.Timeout | undefined;
  private readonly countBudgetMs: number;
  private readonly hardTimeoutMs: number;

  constructor(options: TokenCounterOptions = {}) {
    this.countBudgetMs = options.countBudgetMs ?? 2_000;
    this.hardTimeoutMs = options.hardTimeoutMs ?? 8_000;
  }

  /** Token counts of each text, in the same order; rejects if the thread fails or does not answer in time. */
  count(texts: string[]): Promise<number[]> {
    const worker = this.ensureWorker();
    clearTimeout(this.idleTimer);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const silence = new Error('the token counter thread did not answer in time');
      const timer = setTimeout(() => this.replace(worker, silence), this.countBudgetMs + this.hardTimeoutMs);
      timer.unref();
      this.pending.set(id, { worker, resolve, reject, timer });
      worker.postMessage({ id, texts, postedAt: Date.now(), budgetMs: this.countBudgetMs });
    });
  }

  /**
   * Usage counted by Tollgate: the prompt as input, the generated text as output. Never rejects:
   * when counting fails, each text counts one token per UTF-8 byte (an upper bound).
   */
  async estimateUsage({ promptText, outputText }: { promptText: string; outputText: string }): Promise<NormalizedUsage> {
    let counts: number[];
    try {
      counts = await this.count([promptText, outputText]);
    } catch (error) {
      logger.warn('token counting failed; the estimate counts a token per byte', { error: String(error) });
      counts = [Buffer.byteLength(promptText, 'utf8'), Buffer.byteLength(outputText, 'utf8')];
    }
    const [inputTokens, outputTokens] = counts;
    return { inputTokens, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens, reasoningTokens: 0 };
  }

  async close(): Promise<void> {
    clearTimeout(this.idleTimer);
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(workerSource, { eval: true, workerData: { tiktoken: createRequire(import.meta.url).resolve('tiktoken') } });
    worker.unref();
    worker.on('message', ({ id, counts, error }: { id: number; counts?: number[]; error?: string }) => {
      const waiter = this.pending.get(id);
      if (!waiter) return;
      this.pending.delete(id);
      clearTimeout(waiter.timer);
      if (error !== undefined) {
        waiter.reject(new Error(error));
        // A WebAssembly trap may leave the encoder unusable: the next count gets a fresh thread.
        this.replace(worker, new Error(error));
      } else {
        waiter.resolve(counts!);
      }
      if (this.pending.size === 0) this.scheduleIdleStop();
    });
    worker.on('error', (error) => this.replace(worker, error));
    worker.on('exit', () => this.replace(worker, new Error('the token counter thread exited')));
    this.worker = worker;
    return worker;
  }

  /** Stops `worker` (the next count starts a new thread) and fails every count waiting on it. */
  private replace(worker: Worker, error: Error): void {
    if (this.worker === worker) {
      this.worker = undefined;
      void worker.terminate();
    }
    for (const [id, waiter] of this.pending) {
      if (waiter.worker !== worker) continue;
      this.pending.delete(id);
      clearTimeout(waiter.timer);
      waiter.reject(error);
    }
  }

  private scheduleIdleStop(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => void this.close(), idleMs);
    this.idleTimer.unref();
  }
}

/** The process's one counter thread. */
export const tokenCounterThread = new TokenCounterThread();
