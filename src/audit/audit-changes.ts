/**
 * @module audit/audit-changes
 * The middleware that records every successful change made through the admin API (and a tenant's
 * subscription request): the caller, the action, the target, the client's address, and the target
 * before (read before the handler runs) and after (the answer, without any key it holds). A change
 * this table does not name is still recorded, as `admin.<method>` on its path.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import { presentKey, presentTenant } from '../admin/present.js';
import type { Caller } from '../auth/authenticate.js';
import type { GatewayEnv } from '../server/gateway-env.js';
import type { AuditEvent } from './audit-store.js';

type Snapshot = (context: Context<GatewayEnv>, match: RegExpExecArray) => unknown;

interface AuditedRoute {
  method: string;
  path: RegExp;
  action: string;
  targetType: string;
  /** The target id from the path; otherwise the answer's `id`. */
  targetFromPath?: (match: RegExpExecArray) => string;
  before?: Snapshot;
}

const tenantBefore: Snapshot = (context, match) => {
  const tenant = context.get('gateway').keyStore.tenant(decodeURIComponent(match[1]));
  return tenant ? presentTenant(tenant) : null;
};
const tenantWithKeysBefore: Snapshot = (context, match) => {
  const store = context.get('gateway').keyStore;
  const tenant = store.tenant(decodeURIComponent(match[1]));
  return tenant ? { ...presentTenant(tenant), keys: store.listKeys(tenant.id).map((key) => presentKey(key)) } : null;
};
const keyBefore: Snapshot = (context, match) => {
  const key = context.get('gateway').keyStore.key(decodeURIComponent(match[1]));
  return key ? presentKey(key) : null;
};
const promptVersionBefore: Snapshot = (context, match) => {
  const version = context.get('gateway').prompts.library.version(decodeURIComponent(match[1]), Number(match[2]));
  return version ? { name: version.definition.name, version: version.definition.version, deprecated: version.deprecatedAt !== null && version.deprecatedAt !== undefined } : null;
};
const subscriptionBefore: Snapshot = (context, match) => {
  const status = context.get('gateway').prompts.subscriptions.status(decodeURIComponent(match[1]), decodeURIComponent(match[2]));
  return status ? { name: decodeURIComponent(match[1]), tenant: decodeURIComponent(match[2]), status } : null;
};

const routes: AuditedRoute[] = [
  { method: 'POST', path: /^\/admin\/tenants\/?$/, action: 'tenant.create', targetType: 'tenant' },
  { method: 'PATCH', path: /^\/admin\/tenants\/([^/]+)$/, action: 'tenant.update', targetType: 'tenant', targetFromPath: (m) => m[1], before: tenantBefore },
  { method: 'DELETE', path: /^\/admin\/tenants\/([^/]+)$/, action: 'tenant.delete', targetType: 'tenant', targetFromPath: (m) => m[1], before: tenantWithKeysBefore },
  { method: 'POST', path: /^\/admin\/tenants\/([^/]+)\/keys$/, action: 'key.create', targetType: 'key' },
  { method: 'POST', path: /^\/admin\/keys\/([^/]+)\/revoke$/, action: 'key.revoke', targetType: 'key', targetFromPath: (m) => m[1], before: keyBefore },
  { method: 'DELETE', path: /^\/admin\/keys\/([^/]+)$/, action: 'key.revoke', targetType: 'key', targetFromPath: (m) => m[1], before: keyBefore },
  { method: 'POST', path: /^\/admin\/operators$/, action: 'operator.create', targetType: 'key' },
  { method: 'POST', path: /^\/admin\/prompts$/, action: 'prompt.publish', targetType: 'prompt' },
  {
    method: 'POST',
    path: /^\/admin\/prompts\/([^/]+)\/versions\/(\d+)\/deprecate$/,
    action: 'prompt.deprecate',
    targetType: 'prompt',
    targetFromPath: (m) => `${m[1]}@${m[2]}`,
    before: promptVersionBefore,
  },
  {
    method: 'POST',
    path: /^\/admin\/prompts\/([^/]+)\/subscriptions\/([^/]+)\/(approve|reject)$/,
    action: 'subscription.decide',
    targetType: 'subscription',
    targetFromPath: (m) => `${m[1]}/${m[2]}`,
    before: subscriptionBefore,
  },
  { method: 'POST', path: /^\/v1\/prompts\/([^/]+)\/subscription$/, action: 'subscription.request', targetType: 'subscription', targetFromPath: (m) => m[1] },
];

export function auditChanges(): MiddlewareHandler<GatewayEnv> {
  return async function auditChange(context, next) {
    const { method } = context.req;
    const audit = context.get('gateway').audit;
    if (!audit || method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return next();
    const path = context.req.path;
    let match: RegExpExecArray | null = null;
    const route = routes.find((candidate) => candidate.method === method && (match = candidate.path.exec(path)) !== null);
    if (!route && !path.startsWith('/admin/')) return next();
    const before = route?.before && match ? safely(() => route.before!(context, match!)) : undefined;
    await next();
    if (context.res.status >= 400) return;
    const after = await answerOf(context.res);
    const targetId = route?.targetFromPath && match ? decodeURIComponent(route.targetFromPath(match)) : targetFromAnswer(after, path);
    await audit.record({
      ...actorOf(context.get('caller')),
      action: route?.action ?? `admin.${method.toLowerCase()}`,
      targetType: route?.targetType ?? null,
      targetId,
      source: sourceOf(context),
      before: before ?? null,
      after,
      detail: { method, path, status: context.res.status, forwarded_for: context.req.header('x-forwarded-for') },
    });
  };
}

export function actorOf(caller: Caller | undefined): Pick<AuditEvent, 'actorKind' | 'actor'> {
  if (!caller) return { actorKind: 'anonymous', actor: null };
  if (caller.kind === 'tenant') return { actorKind: 'tenant', actor: caller.key.id };
  return { actorKind: 'operator', actor: caller.key?.id ?? 'admin-key' };
}

/** The client's address as the socket saw it (a proxy's own address behind one; see `forwarded_for`). */
export function sourceOf(context: Context<GatewayEnv>): string | null {
  try {
    return getConnInfo(context).remote.address ?? null;
  } catch {
    return null;
  }
}

/** The answer's JSON with every key in clear removed (a created key is shown once, to its creator). */
async function answerOf(response: Response): Promise<unknown> {
  if (!response.headers.get('content-type')?.includes('application/json')) return null;
  try {
    const body = (await response.clone().json()) as unknown;
    if (body && typeof body === 'object' && !Array.isArray(body)) {
      const { key: _key, ...rest } = body as Record<string, unknown>;
      return rest;
    }
    return body;
  } catch {
    return null;
  }
}

function targetFromAnswer(after: unknown, path: string): string {
  const answer = (after ?? {}) as { id?: unknown; name?: unknown; version?: unknown };
  if (typeof answer.id === 'string') return answer.id;
  if (typeof answer.name === 'string') return typeof answer.version === 'number' ? `${answer.name}@${answer.version}` : answer.name;
  return path;
}

function safely<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}
