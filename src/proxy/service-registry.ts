/**
 * @module proxy/service-registry
 * The configured REST services, each a `TargetPool` of its instances (src/router/) with one
 * keep-alive undici Agent, its path rules and header changes. Finds the service a request path
 * belongs to, and shows every target's state for `GET /admin/targets`.
 */
import { Agent, request } from 'undici';
import type { ServiceConfig } from '../../schemas/services-config.js';
import { registerSecret } from '../logging/logger.js';
import type { GatewayObserver } from '../observability/observer.js';
import { parseBalance, TargetPool, type TargetSnapshot } from '../router/index.js';
import { targetAddress, type TargetAddress } from './upstream-address.js';
import { compileRewrite, type PathRules } from './upstream-path.js';

export interface ServiceTarget {
  /** `http://10.0.0.5:8080` or with a base path, never a trailing slash. */
  url: string;
  /** The URL's origin and base path, parsed once (undefined: parsed per call). */
  address: TargetAddress | undefined;
}

export interface RestService {
  name: string;
  config: ServiceConfig;
  pool: TargetPool<ServiceTarget>;
  dispatcher: Agent;
  paths: PathRules;
  /** The header whose value `hash:<header>` balances on. */
  hashHeader: string | undefined;
  removeHeaders: ReadonlySet<string>;
}

export class ServiceRegistry {
  private readonly byName = new Map<string, RestService>();
  /** Longest mount first, so `/a/b` wins over `/a` (the schema refuses overlaps; this is belt and braces). */
  private readonly byMount: RestService[];

  constructor(configs: Record<string, ServiceConfig>, observe: GatewayObserver | undefined) {
    for (const [name, config] of Object.entries(configs)) this.byName.set(name, buildService(name, config, observe));
    this.byMount = [...this.byName.values()].sort((a, b) => b.config.mount.length - a.config.mount.length);
  }

  get(name: string): RestService | undefined {
    return this.byName.get(name);
  }

  list(): RestService[] {
    return [...this.byName.values()];
  }

  /** The service whose mount `path` is at or under. */
  forPath(path: string): RestService | undefined {
    for (const service of this.byMount) {
      const mount = service.config.mount;
      if (path === mount || (path.startsWith(mount) && path.charCodeAt(mount.length) === 47)) return service;
    }
    return undefined;
  }

  snapshot(): Array<{ service: string; balance: string; retryBudget: { requests: number; retries: number }; targets: TargetSnapshot[] }> {
    return this.list().map((service) => ({
      service: service.name,
      balance: service.config.balance,
      retryBudget: service.pool.budgetWindow(),
      targets: service.pool.snapshot(),
    }));
  }

  async close(): Promise<void> {
    for (const service of this.byName.values()) service.pool.close();
    await Promise.allSettled([...this.byName.values()].map((service) => service.dispatcher.close()));
  }
}

function buildService(name: string, config: ServiceConfig, observe: GatewayObserver | undefined): RestService {
  for (const value of Object.values(config.headers.set)) registerSecret(value);
  const dispatcher = new Agent({
    connections: 256,
    keepAliveTimeout: 30_000,
    connectTimeout: config.timeouts.connectMs,
    // The router's timers bound headers and silences; undici's own would fire with less context.
    headersTimeout: 0,
    bodyTimeout: 0,
  });
  // The metrics' `model` label: `service:billing`, so a service never passes for a model of the same name (readiness reads models' breakers).
  const label = `service:${name}`;
  const targets = config.targets.map((target) => ({ id: target.url, weight: target.weight, value: { url: target.url, address: targetAddress(target.url) } }));
  const health = config.healthCheck;
  const balance = parseBalance(config.balance);
  const pool = new TargetPool<ServiceTarget>({
    name,
    targets,
    balance: balance.strategy,
    retries: { attempts: config.retries.attempts, baseBackoffMs: config.retries.baseBackoffMs, maxBackoffMs: config.retries.maxBackoffMs },
    breaker: config.breaker,
    outlier: {
      consecutiveFailures: config.outlier.consecutiveFailures,
      baseEjectionMs: config.outlier.ejectionMs,
      maxEjectedRatio: config.outlier.maxEjectedRatio,
    },
    timeouts: { connectMs: config.timeouts.connectMs, firstByteMs: config.timeouts.firstByteMs, totalMs: config.timeouts.totalMs, idleMs: config.timeouts.idleMs },
    healthCheck: health && {
      intervalMs: health.intervalMs,
      timeoutMs: health.timeoutMs,
      unhealthyAfter: health.unhealthyAfter,
      healthyAfter: health.healthyAfter,
      probe: (target, signal) => probe(`${target.value.url}${health.path}`, dispatcher, signal),
    },
    events: observe && {
      breakerState: (event) => observe.breakerState({ model: label, target: event.target, state: event.state }),
      retry: (event) => observe.retry({ model: label, target: event.target, reason: event.reason }),
    },
  });
  for (const target of targets) observe?.breakerState({ model: label, target: target.id, state: 'closed' });
  return {
    name,
    config,
    pool,
    dispatcher,
    paths: { mount: config.mount, stripPrefix: config.stripPrefix, rewrite: compileRewrite(config.rewrite) },
    hashHeader: balance.hashHeader,
    removeHeaders: new Set(config.headers.remove.map((header) => header.toLowerCase())),
  };
}

/** A probe is healthy when the target answers 2xx; the body is drained and dropped. */
async function probe(url: string, dispatcher: Agent, signal: AbortSignal): Promise<boolean> {
  const response = await request(url, { method: 'GET', dispatcher, signal });
  await response.body.dump({ limit: 64 * 1024 });
  return response.statusCode >= 200 && response.statusCode < 300;
}
