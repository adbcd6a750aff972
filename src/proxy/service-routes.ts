/**
 * @module proxy/service-routes
 * The HTTP surface of REST services: every method and sub-path at each service's mount (behind
 * the tenant key check), `GET /v1/services` (what the caller's key may use, and how to ask for the
 * rest), `POST /v1/services/{name}/subscription`, the operator's view and answers to subscription
 * requests, and `GET /admin/targets` (health, breaker, in flight and latency of every target).
 */
import type { Context, Hono } from 'hono';
import { GatewayError } from '../errors/gateway-error.js';
import type { GatewayEnv } from '../server/gateway-env.js';
import { requireTenant, tenantCaller } from '../server/tenant-auth.js';
import { traced } from '../observability/tracing/traced-middleware.js';
import { proxyCall } from './proxy-call.js';
import { idempotentCalls } from '../calls/idempotent-calls.js';
import { inScope, mayCallService, subscriptionName } from './service-access.js';
import type { RestService, ServiceRegistry } from './service-registry.js';
import type { TargetSnapshot } from '../router/index.js';

/** Mounts the configured services; call before the app's not-found handler is reached. */
export function registerServiceMounts(app: Hono<GatewayEnv>, registry: ServiceRegistry): void {
  for (const service of registry.list()) {
    const mount = service.config.mount;
    for (const path of [mount, `${mount}/*`]) {
      app.use(path, traced('auth', requireTenant()));
      // Every method at a mount is a call: a POST with an Idempotency-Key is answered once.
      app.use(path, idempotentCalls({ isCall: () => true }));
      // One parameter: the route guard reads a one-argument `all` handler as "every method".
      app.all(path, (context) => proxyCall(context, service));
    }
  }
}

export function registerServiceRoutes(app: Hono<GatewayEnv>): void {
  app.get('/v1/services', (context) => {
    const caller = tenantCaller(context);
    const { proxy, prompts } = context.get('gateway');
    const data = proxy
      .list()
      .filter((service) => inScope(caller, service.name))
      .map((service) => ({
        id: service.name,
        object: 'service',
        mount: service.config.mount,
        access: service.config.access,
        subscription: service.config.access === 'open' ? null : (prompts.subscriptions.status(subscriptionName(service.name), caller.tenant.id) ?? 'none'),
        callable: mayCallService(caller, service, prompts.subscriptions),
      }));
    return context.json({ object: 'list', data });
  });

  app.post('/v1/services/:name/subscription', async (context) => {
    const caller = tenantCaller(context);
    const service = knownService(context);
    if (!inScope(caller, service.name)) {
      throw new GatewayError(403, `This key may not use the service \`${service.name}\`.`, { type: 'permission_error', code: 'service_not_allowed' });
    }
    if (service.config.access === 'open') return context.json({ service: service.name, tenant: caller.tenant.id, status: 'approved' });
    const subscription = await context.get('gateway').prompts.subscriptions.request(subscriptionName(service.name), caller.tenant.id);
    return context.json({ service: service.name, tenant: caller.tenant.id, status: subscription.status }, subscription.status === 'approved' ? 200 : 202);
  });

  app.get('/admin/services/:name/subscriptions', (context) => {
    const service = knownService(context);
    const data = context
      .get('gateway')
      .prompts.subscriptions.list(subscriptionName(service.name))
      .map((subscription) => ({
        service: service.name,
        tenant: subscription.tenantId,
        status: subscription.status,
        requested_at: new Date(subscription.requestedAt).toISOString(),
        decided_at: subscription.decidedAt === null ? null : new Date(subscription.decidedAt).toISOString(),
      }));
    return context.json({ data });
  });

  for (const decision of ['approve', 'reject'] as const) {
    app.post(`/admin/services/:name/subscriptions/:tenant/${decision}`, async (context) => {
      const service = knownService(context);
      const tenant = context.req.param('tenant') ?? '';
      const subscription = await context.get('gateway').prompts.subscriptions.decide(subscriptionName(service.name), tenant, decision === 'approve');
      if (!subscription) {
        throw new GatewayError(404, `Tenant \`${tenant}\` has not asked to use the service \`${service.name}\`.`, { code: 'subscription_not_found', param: 'tenant' });
      }
      return context.json({ service: service.name, tenant, status: subscription.status });
    });
  }

  // One resilience layer, one view: REST services' targets in `data`, model groups' deployments in `models`.
  app.get('/admin/targets', (context) => {
    const now = performance.now();
    const gateway = context.get('gateway');
    const data = gateway.proxy.snapshot().map(({ service, balance, retryBudget, targets }) => ({ service, balance, retry_budget: retryBudget, targets: presentTargets(targets, now) }));
    const models = gateway.models.snapshot().map(({ model, balance, retryBudget, targets }) => ({ model, balance, retry_budget: retryBudget, targets: presentTargets(targets, now) }));
    return context.json({ data, models });
  });
}

function knownService(context: Context<GatewayEnv>): RestService {
  const name = context.req.param('name') ?? '';
  const service = context.get('gateway').proxy.get(name);
  if (!service) throw new GatewayError(404, `No service \`${name}\`.`, { code: 'service_not_found', param: 'name' });
  return service;
}

function presentTargets(targets: TargetSnapshot[], now: number) {
  return targets.map((target) => ({
    id: target.id,
    weight: target.weight,
    healthy: target.healthy,
    breaker: target.breaker,
    ejected_for_ms: target.ejectedUntil === null ? null : Math.max(0, Math.round(target.ejectedUntil - now)),
    inflight: target.inflight,
    latency_ewma_ms: target.latencyEwmaMs === null ? null : Math.round(target.latencyEwmaMs * 10) / 10,
    requests: target.requests,
    failures: target.failures,
  }));
}
