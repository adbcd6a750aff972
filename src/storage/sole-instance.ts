/**
 * @module storage/sole-instance
 * Without Redis, quota counters live in the gateway's own memory. Two gateways serving one SQLite
 * file each count only the requests they see — every limit, money included, multiplied by the
 * number of gateways — and nothing used to say so. Now each `tollgate serve` without Redis
 * registers itself beside the database (`<database>.instances/<host>.<pid>`, touched every few
 * seconds), and while any other live gateway is registered there every one of them logs an error
 * saying so, at start-up and then every `checkEveryMs`.
 *
 * Why a loud error and not a refusal to start: a deploy that starts the new gateway before the old
 * one has drained, or a second gateway started to try `--workers` beside a running one, would be
 * refused for a state that lasts seconds or is a deliberate experiment; the error names the fix.
 * Workers of `tollgate serve --workers N` share their primary's counters and do not register; the
 * CLI changes rows and counts no requests, so it does not either.
 *
 * A registration is stale, and ignored, when it has not been touched for `staleAfterMs` or when
 * its process is gone (same host): a killed gateway never causes a false alarm for long.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { logger } from '../logging/logger.js';

export interface ServingGateway {
  pid: number;
  host: string;
  startedAt: string;
}

export interface InstanceRegistration {
  /** The other live gateways registered on this database now. */
  others(): ServingGateway[];
  /** Removes this gateway's registration (at shutdown: a draining gateway admits nothing new). */
  release(): void;
}

const touchEveryMs = 5_000;
const staleAfterMs = 20_000;
const checkEveryMs = 10_000;
/** More files than this in the folder are not read: a folder filled by accident cannot stall start-up. */
const maxRegistrations = 256;

export function registerInstance(databasePath: string): InstanceRegistration {
  const folder = `${databasePath}.instances`;
  const me: ServingGateway = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
  const ownFile = join(folder, `${encodeURIComponent(me.host)}.${me.pid}`);
  mkdirSync(folder, { recursive: true });
  writeFileSync(ownFile, `${JSON.stringify(me)}\n`);
  const others = () => liveRegistrations(folder).filter((entry) => entry.file !== ownFile).map((entry) => entry.gateway);
  const touch = setInterval(() => {
    const now = new Date();
    try {
      utimesSync(ownFile, now, now);
    } catch {
      writeFileSync(ownFile, `${JSON.stringify(me)}\n`); // removed by hand: register again
    }
  }, touchEveryMs);
  touch.unref();
  const check = setInterval(() => warnIfShared(databasePath, others()), checkEveryMs);
  check.unref();
  warnIfShared(databasePath, others());
  let released = false;
  return {
    others,
    release() {
      if (released) return;
      released = true;
      clearInterval(touch);
      clearInterval(check);
      try {
        unlinkSync(ownFile);
      } catch {
        // already gone
      }
    },
  };
}

function warnIfShared(databasePath: string, others: ServingGateway[]): void {
  if (others.length === 0) return;
  logger.error(
    'QUOTAS ARE NOT SHARED: another gateway serves this database without Redis, so each enforces every limit (spending limits too) on its own and the fleet admits that many times the limit. Configure `redis` in every gateway, or run one `tollgate serve --workers N` instead.',
    { database: databasePath, others: others.map((other) => `pid ${other.pid} on ${other.host} since ${other.startedAt}`) },
  );
}

function liveRegistrations(folder: string): Array<{ file: string; gateway: ServingGateway }> {
  let names: string[];
  try {
    names = readdirSync(folder).slice(0, maxRegistrations);
  } catch {
    return [];
  }
  const live: Array<{ file: string; gateway: ServingGateway }> = [];
  for (const name of names) {
    const file = join(folder, name);
    const gateway = liveGateway(file);
    if (gateway) live.push({ file, gateway });
  }
  return live;
}

function liveGateway(file: string): ServingGateway | undefined {
  try {
    if (Date.now() - statSync(file).mtimeMs > staleAfterMs) return undefined;
    const parsed = JSON.parse(readFileSync(file, 'utf8').slice(0, 1_000)) as Partial<ServingGateway>;
    if (typeof parsed.pid !== 'number' || typeof parsed.host !== 'string') return undefined;
    if (parsed.host === hostname() && !processExists(parsed.pid)) return undefined;
    return { pid: parsed.pid, host: parsed.host, startedAt: String(parsed.startedAt ?? 'unknown') };
  } catch {
    return undefined; // being written, or not ours
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
