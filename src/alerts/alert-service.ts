/**
 * @module alerts/alert-service
 * Checks budgets and spend every `checkIntervalMs`, records the alerts they call for, and sends
 * each to the webhook with retries. With Redis one gateway of the cluster runs it at a time (the
 * `alerts` job of `coordination/cluster-jobs.ts`); without, every gateway process runs one. The
 * database makes either safe: an alert is recorded by exactly one of them (unique `dedupe_key`)
 * and each delivery attempt is claimed by one (a lease), with exponential backoff between attempts. The timer is unref'd and
 * never blocks shutdown for longer than a delivery's timeout.
 */
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { AlertsConfig } from '../../schemas/alerts-config.js';
import type { KeyDirectory as KeyStore, TenantRecord } from '../auth/key-directory.js';
import { budgetsOf } from '../budgets/budget-status.js';
import { hourMs } from '../ledger/rollup-levels.js';
import { ThrottledErrorLog } from '../ledger/throttled-error-log.js';
import { logger } from '../logging/logger.js';
import { usdToNano } from '../metering/decimal.js';
import { spendTotals } from '../reports/spend-totals.js';
import type { SqlReader } from '../storage/sql-reader.js';
import { budgetAlertCandidates, spikeCandidate, type AlertCandidate } from './alert-checks.js';
import { claimDelivery, dueAlerts, markAttemptFailed, markDelivered, recordAlert } from './alert-store.js';
import { sendWebhook } from './send-webhook.js';
import { sqliteControlSql, type ControlSql } from '../storage/control-sql.js';

export interface AlertServiceOptions {
  /** Where alerts are recorded and claimed: a SQLite connection... */
  client?: Database.Database;
  /** ...or either database through the control-plane interface (PostgreSQL with `storage.postgres`). */
  records?: ControlSql;
  /** Where the spend is read (the ledger's database). */
  ledger: SqlReader;
  keyStore: Pick<KeyStore, 'listTenants' | 'listKeys'>;
  config: AlertsConfig;
  now?: () => number;
  fetch?: typeof fetch;
}

export class AlertService {
  private timer: NodeJS.Timeout | undefined;
  private lastCheck = 0;
  private running: Promise<void> | undefined;
  private closed = false;
  private readonly now: () => number;
  private readonly records: ControlSql;
  private readonly errors = new ThrottledErrorLog('alert check failed', 'alert checks recovered', 60_000);

  constructor(private readonly options: AlertServiceOptions) {
    this.now = options.now ?? Date.now;
    this.records = options.records ?? sqliteControlSql(options.client!);
  }

  /** Ticks every second (or every `checkIntervalMs` if shorter): checks when due, then delivers what is due. */
  start(): void {
    const tickMs = Math.min(this.options.config.checkIntervalMs, 1_000);
    this.lastCheck = this.now();
    this.timer = setInterval(() => void this.tick(), tickMs);
    this.timer.unref();
  }

  /** One tick; ticks never overlap. */
  tick(): Promise<void> {
    this.running ??= this.runTick().finally(() => (this.running = undefined));
    return this.running;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.running;
  }

  /**
   * Records every alert the figures call for now; returns the ids this process created. Tenants
   * are checked one at a time with a yield to the event loop in between, so a gateway with many
   * tenants keeps serving requests while it checks.
   */
  async check(): Promise<string[]> {
    const now = this.now();
    const created: string[] = [];
    const candidates: AlertCandidate[] = [];
    for (const tenant of this.options.keyStore.listTenants()) {
      candidates.push(...(await this.candidatesOf(tenant, now)));
      await new Promise((resolve) => setImmediate(resolve));
    }
    for (const candidate of candidates) {
      const id = `alert_${randomUUID().replaceAll('-', '')}`;
      const payload = JSON.stringify({ id, created_at: new Date(now).toISOString(), ...candidate.payload });
      const status = this.options.config.webhook ? 'pending' : 'recorded';
      const { dedupeKey, kind, tenantId, keyId } = candidate;
      if (await recordAlert(this.records, { id, dedupeKey, kind, tenantId, keyId, payload, createdAt: now, status })) {
        created.push(id);
        logger.info('alert raised', { id, kind, tenant: tenantId, key: keyId });
      }
    }
    return created;
  }

  /** Sends every due alert this process can claim. */
  async deliverDue(): Promise<void> {
    const webhook = this.options.config.webhook;
    if (!webhook) return;
    const client = this.records;
    for (const id of await dueAlerts(client, this.now())) {
      if (this.closed) return;
      const claimed = await claimDelivery(client, id, this.now(), webhook.timeoutMs + 5_000);
      if (!claimed) continue;
      try {
        await sendWebhook(webhook, claimed, this.options.fetch ?? fetch, this.now);
        await markDelivered(client, id, this.now());
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const next = claimed.attempts >= this.options.config.retry.attempts ? null : this.now() + this.backoff(claimed.attempts);
        await markAttemptFailed(client, id, message, next);
        logger.warn('alert delivery failed', { id, attempt: claimed.attempts, error: message, retry_at: next === null ? null : new Date(next).toISOString() });
      }
    }
  }

  private async runTick(): Promise<void> {
    try {
      if (this.now() - this.lastCheck >= this.options.config.checkIntervalMs) {
        this.lastCheck = this.now();
        await this.check();
      }
      await this.deliverDue();
      this.errors.success({});
    } catch (error) {
      this.errors.failure({ error: error instanceof Error ? error.message : String(error) });
    }
  }

  private async candidatesOf(tenant: TenantRecord, now: number): Promise<AlertCandidate[]> {
    const { ledger, keyStore, config } = this.options;
    const candidates: AlertCandidate[] = [];
    const hour = Math.floor(now / hourMs) * hourMs;
    if (config.thresholds.length > 0) candidates.push(...budgetAlertCandidates(await budgetsOf(ledger, tenant, keyStore.listKeys(tenant.id), now), config.thresholds));
    if (config.spike === false) return candidates;
    const spend = await spendTotals(ledger, { tenant: tenant.id, from: hour, to: hour + hourMs });
    if (spend.requests === 0) return candidates;
    const baseline = await spendTotals(ledger, { tenant: tenant.id, from: hour - config.spike.baselineHours * hourMs, to: hour });
    const spike = spikeCandidate(
      { tenantId: tenant.id, hour, spendNanoUsd: BigInt(spend.cost_nano_usd), baselineTotalNanoUsd: BigInt(baseline.cost_nano_usd) },
      { ...config.spike, minSpendNanoUsd: BigInt(usdToNano(config.spike.minSpendUsd)) },
    );
    if (spike) candidates.push(spike);
    return candidates;
  }

  /** Doubling from `initialDelayMs`, capped at `maxDelayMs`, with ±20% jitter so gateways do not retry in step. */
  private backoff(attempt: number): number {
    const { initialDelayMs, maxDelayMs } = this.options.config.retry;
    const base = Math.min(maxDelayMs, initialDelayMs * 2 ** Math.min(30, attempt - 1));
    return Math.round(base * (0.8 + Math.random() * 0.4));
  }
}
