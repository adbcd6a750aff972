/**
 * @module server/route-guard
 * Answers requests no route can take, before authentication, in the OpenAI error shape: an
 * unknown URL is 404 `unknown_url`; a known URL with a method it does not take is 405
 * `method_not_allowed` with `Allow` listing the methods it does (`GET /v1/chat/completions` →
 * `Allow: POST`). A trailing slash is ignored (the app is built with Hono's `strict: false`, and
 * the guard strips it too). HEAD is allowed wherever GET is.
 *
 * The table is built from the app's own routes on the first request, so it always matches what
 * is registered. Per request it costs one Map lookup for a static path (`/v1/chat/completions`),
 * and a few regular expressions only for paths with parameters.
 */
import type { Hono, MiddlewareHandler } from 'hono';
import { GatewayError } from '../errors/gateway-error.js';
import type { GatewayEnv } from './gateway-env.js';

interface PatternRoute {
  pattern: RegExp;
  methods: Set<string>;
}

interface RouteTable {
  byStaticPath: Map<string, Set<string>>;
  patterns: PatternRoute[];
}

export function routeGuard(app: Hono<GatewayEnv>): MiddlewareHandler<GatewayEnv> {
  let table: RouteTable | undefined;
  return async function guardRoutes(context, next) {
    table ??= buildTable(app.routes);
    const path = withoutTrailingSlash(context.req.path);
    const methods = allowedMethods(table, path);
    const method = context.req.method;
    if (!methods) throw new GatewayError(404, `Unknown request URL: ${method} ${context.req.path}.`, { code: 'unknown_url' });
    if (!methods.has(method) && !methods.has(anyMethod) && !(method === 'HEAD' && methods.has('GET'))) {
      const allow = [...methods].filter((name) => name !== anyMethod).sort().join(', ');
      throw new GatewayError(405, `${method} is not allowed on ${path}; use ${allow}.`, {
        code: 'method_not_allowed',
        headers: { allow },
      });
    }
    await next();
  };
}

function allowedMethods(table: RouteTable, path: string): Set<string> | undefined {
  const exact = table.byStaticPath.get(path);
  if (exact) return exact;
  let methods: Set<string> | undefined;
  for (const route of table.patterns) {
    if (!route.pattern.test(path)) continue;
    methods ??= new Set();
    for (const method of route.methods) methods.add(method);
  }
  return methods;
}

/** An `app.all` endpoint: any method goes. */
const anyMethod = '*';

function buildTable(routes: ReadonlyArray<{ method: string; path: string; handler: (...args: never[]) => unknown }>): RouteTable {
  const byStaticPath = new Map<string, Set<string>>();
  const byPattern = new Map<string, Set<string>>();
  for (const { method: routeMethod, path, handler } of routes) {
    // `ALL` is both `app.use` (middleware, `(context, next)`: not an endpoint) and `app.all` (an
    // endpoint for any method, `(context)`); the handler's arity tells them apart.
    if (routeMethod === 'ALL' && handler.length >= 2) continue;
    const method = routeMethod === 'ALL' ? anyMethod : routeMethod;
    const target = /[:*]/.test(path) ? byPattern : byStaticPath;
    const key = withoutTrailingSlash(path);
    const methods = target.get(key) ?? new Set<string>();
    methods.add(method);
    target.set(key, methods);
  }
  const patterns = [...byPattern].map(([path, methods]) => ({ pattern: patternFor(path), methods }));
  // A static path can also match a pattern (`/admin/tenants` and nothing else does today, but a
  // later `/:any` would): merge so the guard never refuses a method a pattern route takes.
  for (const [path, methods] of byStaticPath) {
    for (const route of patterns) if (route.pattern.test(path)) for (const method of route.methods) methods.add(method);
  }
  return { byStaticPath, patterns };
}

/** Hono's path syntax (`:name`, `:name{regex}`, `*`) as one anchored regular expression. */
function patternFor(path: string): RegExp {
  const source = path
    .split('/')
    .map((segment) => {
      if (segment === '*') return '.*';
      const parameter = /^:[A-Za-z0-9_]+(?:\{(.+)\})?$/.exec(segment);
      if (parameter) return parameter[1] ? `(?:${parameter[1]})` : '[^/]+';
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return new RegExp(`^${source}$`);
}

function withoutTrailingSlash(path: string): string {
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}
