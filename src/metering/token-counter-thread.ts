/**
 * @module metering/token-counter-thread
 * Token counts for estimates, computed in a worker thread that starts on first use and stops
 * after a minute without work. tiktoken's encoder costs ~65 MB and ~0.5 s to build; most gateways
 * need an estimate only now and then (a client that left mid-stream), so they should pay neither
 * on start-up nor on the request path.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { NormalizedUsage } from '../../providers/types.js';

const idleMs = 60_000;

/**
 * The thread's code, plain CommonJS evaluated in the worker: a file would need a TypeScript
 * loader under tests and `npm run dev`, which worker threads do not inherit. It counts exactly as
 * `countTokens` does (o200k_base, special tokens as plain text); a test holds the two together.
 */
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const { get_encoding } = require(workerData.tiktoken);
let encoder;
parentPort.on('message', ({ id, texts }) => {
  try {
    encoder ??= get_encoding('o200k_base');
    parentPort.postMessage({ id, counts: texts.map((text) => (text.length === 0 ? 0 : encoder.encode_ordinary(text).length)) });
  } catch (error) {
    parentPort.postMessage({ id, error: String(error) });
  }
});
`;

export class TokenCounterThread {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(counts: number[]): void; reject(error: Error): void }>();
  private idleTimer: NodeJS.Timeout | undefined;

  /** Token counts of each text, in the same order. */
  count(texts: string[]): Promise<number[]> {
    const worker = this.ensureWorker();
    clearTimeout(this.idleTimer);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, texts });
    });
  }

  /** Usage counted by Tollgate: the prompt as input, the generated text as output. */
  async estimateUsage({ promptText, outputText }: { promptText: string; outputText: string }): Promise<NormalizedUsage> {
    const [inputTokens, outputTokens] = await this.count([promptText, outputText]);
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
      this.pending.delete(id);
      if (error !== undefined) waiter?.reject(new Error(error));
      else waiter?.resolve(counts!);
      if (this.pending.size === 0) this.scheduleIdleStop();
    });
    worker.on('error', (error) => this.failAll(error));
    worker.on('exit', () => {
      if (this.worker === worker) this.worker = undefined;
      this.failAll(new Error('the token counter thread exited'));
    });
    this.worker = worker;
    return worker;
  }

  private scheduleIdleStop(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => void this.close(), idleMs);
    this.idleTimer.unref();
  }

  private failAll(error: Error): void {
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
  }
}

/** The process's one counter thread. */
export const tokenCounterThread = new TokenCounterThread();
