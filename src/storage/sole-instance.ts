/**
 * @module storage/sole-instance
 * Without Redis, quota counters live in the gateway's own memory. Two gateways serving one SQLite
 * file would each count only the requests they saw — every limit, money included, multiplied by
 * the number of processes, silently. So `tollgate serve` without Redis claims the database file:
 * a second gateway on the same file refuses to start and says why (use Redis, or one
 * `tollgate serve --workers N`, whose workers share counters through the primary).
 *
 * The claim is a file beside the database, `<database>.instance`, created exclusively and touched
 * every few seconds. A claim is stale, and taken over, when it has not been touched for
 * `staleAfterMs` or when its process is gone (same host): a crashed gateway never blocks a restart.
 * The CLI does not claim: it changes rows, it counts no requests.
 */
import { readFileSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';

export interface InstanceClaim {
  /** Gives the file up (at shutdown: a gateway that drains counts nothing new). */
  release(): void;
}

export interface ClaimHolder {
  pid: number;
  host: string;
  startedAt: string;
}

/** Thrown when another live gateway holds the claim. */
export class DatabaseInUseError extends Error {
  constructor(
    readonly path: string,
    readonly holder: ClaimHolder,
  ) {
    super(
      `another Tollgate (pid ${holder.pid} on ${holder.host}, since ${holder.startedAt}) serves ${path} without Redis. ` +
        'Two gateways without Redis would each keep their own quota counters, so every limit — spending limits too — ' +
        'would be multiplied by the number of gateways. Configure `redis` in every gateway (they then share counters), ' +
        'or run one `tollgate serve --workers N` instead; or stop the other gateway.',
    );
  }
}

const touchEveryMs = 5_000;
const staleAfterMs = 20_000;

export function claimDatabase(databasePath: string): InstanceClaim {
  const path = `${databasePath}.instance`;
  const mine: ClaimHolder = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
  if (!createClaim(path, mine)) {
    const holder = liveHolder(path);
    if (holder) throw new DatabaseInUseError(databasePath, holder);
    // Stale: take it over. Two gateways doing this at the same instant could both succeed; the
    // claim guards against a forgotten second instance, not against a simultaneous double start.
    removeIfPresent(path);
    if (!createClaim(path, mine)) throw new DatabaseInUseError(databasePath, liveHolder(path) ?? mine);
  }
  const timer = setInterval(() => {
    const now = new Date();
    try {
      utimesSync(path, now, now);
    } catch {
      // Removed by hand: the next gateway may start; nothing to do here.
    }
  }, touchEveryMs);
  timer.unref();
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      clearInterval(timer);
      if (readHolder(path)?.pid === process.pid) removeIfPresent(path);
    },
  };
}

function removeIfPresent(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

function createClaim(path: string, holder: ClaimHolder): boolean {
  try {
    writeFileSync(path, `${JSON.stringify(holder)}\n`, { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/**
 * The holder of the claim at `path` if it may be alive; undefined when the claim is stale. A claim
 * being written right now reads as empty: fresh, so it counts as held.
 */
function liveHolder(path: string): ClaimHolder | undefined {
  let touchedAt: number;
  try {
    touchedAt = statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
  if (Date.now() - touchedAt > staleAfterMs) return undefined;
  const holder = readHolder(path) ?? { pid: 0, host: 'another host or a gateway starting now', startedAt: 'just now' };
  if (holder.host === hostname() && !processExists(holder.pid)) return undefined;
  return holder;
}

function readHolder(path: string): ClaimHolder | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8').slice(0, 1_000)) as Partial<ClaimHolder>;
    if (typeof parsed.pid !== 'number' || typeof parsed.host !== 'string') return undefined;
    return { pid: parsed.pid, host: parsed.host, startedAt: String(parsed.startedAt ?? 'unknown') };
  } catch {
    return undefined;
  }
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
