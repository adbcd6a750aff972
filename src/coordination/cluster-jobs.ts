/**
 * @module coordination/cluster-jobs
 * Jobs that must run once per cluster, not once per instance (budget alert checks, ledger
 * retention): every instance asks for the job's lease every `ttlMs / 3`; the one that gets it
 * starts the job and keeps renewing; the others wait. When the holder stops (shutdown releases the
 * lease) or dies (the lease expires after `ttlMs`), another instance takes the job over with a
 * larger fencing token.
 *
 * The holder stops its job as soon as it cannot be sure the lease is still its own: a renewal
 * refused (the lease expired and someone else took it), or no successful renewal for `ttlMs`
 * (Redis unreachable: the lease may have expired in Redis). So two instances never run a job at
 * once, and while Redis is away none does — the jobs here only catch up afterwards (retention
 * deletes what is old by then; alert checks look at the figures as they are then).
 *
 * Without a lease store (no Redis: one gateway process) every job simply runs here.
 */
import { logger } from '../logging/logger.js';
import type { LeaseStore } from './redis-lease.js';

/** The lease a running job was started under. */
export interface HeldLease {
  /** Grows with every new holding of this job's lease, cluster-wide. */
  token: number;
  /** Whether this instance can still be sure the lease is its own; a job checks it before each piece of work. */
  held(): boolean;
}

export interface RunningJob {
  stop(): void | Promise<void>;
}

export interface ClusterJobsOptions {
  store?: LeaseStore;
  /** This instance, as lease values and logs name it. */
  holder: string;
  ttlMs: number;
  now?: () => number;
}

interface Job {
  name: string;
  start: (lease: HeldLease) => RunningJob;
  timer?: NodeJS.Timeout;
  token?: number;
  validUntil: number;
  running?: RunningJob;
  busy: boolean;
}

export class ClusterJobs {
  private readonly jobs: Job[] = [];
  private readonly now: () => number;
  private closed = false;

  constructor(private readonly options: ClusterJobsOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Runs `start` on whichever instance holds the job's lease (here, without a store), and stops it there when the lease goes. */
  run(name: string, start: (lease: HeldLease) => RunningJob): void {
    const job: Job = { name, start, validUntil: 0, busy: false };
    this.jobs.push(job);
    if (!this.options.store) {
      job.running = start({ token: 0, held: () => !this.closed });
      return;
    }
    void this.step(job);
    job.timer = setInterval(() => void this.step(job), Math.max(100, Math.floor(this.options.ttlMs / 3)));
    job.timer.unref();
  }

  /** Stops every job started here and releases its lease, so another instance takes it over at once. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(
      this.jobs.map(async (job) => {
        clearInterval(job.timer);
        await job.running?.stop();
        job.running = undefined;
        if (job.token !== undefined) await this.options.store?.release(job.name, this.options.holder, job.token).catch(() => undefined);
      }),
    );
  }

  private async step(job: Job): Promise<void> {
    if (job.busy || this.closed) return;
    job.busy = true;
    try {
      if (job.token === undefined) await this.tryToTake(job);
      else await this.renew(job);
    } finally {
      job.busy = false;
    }
  }

  private async tryToTake(job: Job): Promise<void> {
    const { store, holder, ttlMs } = this.options;
    const askedAt = this.now();
    const token = await store!.acquire(job.name, holder, ttlMs).catch(() => undefined);
    if (token === undefined || this.closed) return;
    job.token = token;
    job.validUntil = askedAt + ttlMs;
    logger.info('cluster job started on this instance', { job: job.name, token, instance: holder });
    job.running = job.start({ token, held: () => job.token === token && this.now() < job.validUntil });
  }

  private async renew(job: Job): Promise<void> {
    const { store, holder, ttlMs } = this.options;
    const askedAt = this.now();
    const token = job.token!;
    let renewed: boolean | undefined;
    try {
      renewed = await store!.renew(job.name, holder, token, ttlMs);
    } catch {
      renewed = undefined; // Redis did not answer: the lease holds until validUntil, no longer
    }
    if (renewed) {
      job.validUntil = askedAt + ttlMs;
      return;
    }
    if (renewed === undefined && this.now() < job.validUntil) return;
    logger.warn('cluster job stopped on this instance', {
      job: job.name,
      token,
      instance: holder,
      reason: renewed === false ? 'its lease expired or was taken' : 'Redis unreachable: its lease may have expired',
    });
    job.token = undefined;
    const running = job.running;
    job.running = undefined;
    await running?.stop();
  }
}
