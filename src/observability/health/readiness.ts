/**
 * @module observability/health/readiness
 * What `/readyz` answers: ready only while every configured dependency works — the database
 * answers, Redis (when configured) answers a PING, the ledger's backlog is under
 * `health.maxLedgerBacklog`, and at least one model has a deployment whose circuit breaker is not
 * open — and the gateway is neither starting nor draining. PostgreSQL (when it holds the ledger)
 * is reported but does not make the gateway unready: while it is down calls are still served and
 * their rows spooled locally, so taking every instance out of the load balancer would only turn a
 * database outage into a full one (`status: degraded`). Each check is run when asked (Redis at
 * most once at a time), so the answer turns ready again as soon as a dependency is back.
 */
import type { TollgateConfig } from '../../../schemas/config.js';
import type { TollgateDatabase } from '../../storage/database.js';
import type { Observability } from '../observability.js';
import { timedDatabaseWork } from '../wiring.js';

export interface CheckResult {
  /** `degraded`: not working, but the gateway serves without it (PostgreSQL: rows are spooled). */
  status: 'up' | 'down' | 'degraded';
  latency_ms?: number;
  error?: string;
  [detail: string]: unknown;
}

export interface ReadinessReport {
  status: 'ready' | 'not_ready' | 'starting' | 'draining';
  checks: Record<string, CheckResult>;
}

export interface ReadinessSources {
  config: TollgateConfig;
  database: TollgateDatabase;
  /** Present when PostgreSQL holds the ledger. */
  postgres?: { $client: { query(sql: string): Promise<unknown> } };
  /** Present when Redis holds the quota counters. */
  redis?: { ping(): Promise<void> };
  ledger: { backlog(): { handover: number; writer: number; spool: number } };
  observability: Observability;
  lifecycle: { ready: boolean; draining?: boolean };
}

const round = (ms: number) => Math.round(ms * 100) / 100;

export class Readiness {
  private redisProbe: Promise<CheckResult> | undefined;

  constructor(private readonly sources: ReadinessSources) {}

  async report(): Promise<ReadinessReport> {
    const checks: Record<string, CheckResult> = { database: this.database(), ledger: this.ledger() };
    if (this.sources.postgres) checks.postgres = await this.postgres();
    if (this.sources.redis) checks.redis = await this.redis();
    checks.models = this.models();
    for (const [name, check] of Object.entries(checks)) this.sources.observability.operations?.dependencyUp.set({ dependency: name }, check.status === 'up' ? 1 : 0);
    const { lifecycle } = this.sources;
    const allUp = Object.values(checks).every((check) => check.status !== 'down');
    const status = lifecycle.draining ? 'draining' : !lifecycle.ready ? 'starting' : allUp ? 'ready' : 'not_ready';
    return { status, checks };
  }

  private database(): CheckResult {
    const startedAt = performance.now();
    try {
      timedDatabaseWork(this.sources.observability, 'ping', () => this.sources.database.$client.prepare('select 1').get());
      return { status: 'up', latency_ms: round(performance.now() - startedAt) };
    } catch (error) {
      return { status: 'down', error: error instanceof Error ? error.message : String(error) };
    }
  }

  private async postgres(): Promise<CheckResult> {
    const startedAt = performance.now();
    const timeoutMs = this.sources.config.health.probeTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.sources.postgres!.$client.query('select 1'),
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs))),
      ]);
      return { status: 'up', latency_ms: round(performance.now() - startedAt) };
    } catch (error) {
      return { status: 'degraded', error: error instanceof Error ? error.message : String(error) };
    } finally {
      clearTimeout(timer);
    }
  }

  private ledger(): CheckResult {
    const backlog = this.sources.ledger.backlog();
    const rows = backlog.handover + backlog.writer;
    const limit = this.sources.config.health.maxLedgerBacklog;
    return { status: rows > limit ? 'down' : 'up', backlog_rows: rows, spooled_rows: backlog.spool, limit };
  }

  private redis(): Promise<CheckResult> {
    this.redisProbe ??= this.pingRedis().finally(() => (this.redisProbe = undefined));
    return this.redisProbe;
  }

  private async pingRedis(): Promise<CheckResult> {
    const startedAt = performance.now();
    const timeoutMs = this.sources.config.health.probeTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.sources.redis!.ping(),
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs))),
      ]);
      const seconds = (performance.now() - startedAt) / 1000;
      this.sources.observability.operations?.redisRoundTrip('ping', seconds);
      return { status: 'up', latency_ms: round(seconds * 1000) };
    } catch (error) {
      this.sources.observability.operations?.redisErrors.inc({ operation: 'ping' });
      return { status: 'down', error: error instanceof Error ? error.message : String(error) };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Down when every configured model has deployments reported and all of them are open. */
  private models(): CheckResult {
    const models = Object.keys(this.sources.config.models);
    const byModel = new Map<string, string[]>();
    for (const breaker of this.sources.observability.breakers()) {
      const states = byModel.get(breaker.model) ?? [];
      states.push(breaker.state);
      byModel.set(breaker.model, states);
    }
    const down = models.filter((model) => {
      const states = byModel.get(model);
      return states !== undefined && states.every((state) => state === 'open');
    });
    const noneServing = models.length > 0 && down.length === models.length;
    return { status: noneServing ? 'down' : 'up', models: models.length, models_without_deployment: down };
  }
}
