import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../errors/gateway-error.js';
import type { GatewayEnv } from './gateway-env.js';
import { routeGuard } from './route-guard.js';

function app() {
  const hono = new Hono<GatewayEnv>({ strict: false });
  hono.use(routeGuard(hono));
  hono.use('/v1/*', async (_context, next) => next());
  hono.post('/v1/things', (context) => context.text('posted'));
  hono.get('/v1/things/:id{.+}', (context) => context.text(context.req.param('id')));
  hono.all('/proxy/:service/*', (context) => context.text(`proxied ${context.req.method}`));
  hono.onError((error, context) => {
    const gatewayError = error as GatewayError;
    return context.json({ code: gatewayError.code, allow: gatewayError.headers.allow ?? null }, gatewayError.status as 404);
  });
  return hono;
}

describe('the route guard', () => {
  it('answers 405 with Allow for a known path, 404 for an unknown one, and passes the rest', async () => {
    const hono = app();
    expect(await (await hono.request('/v1/things', { method: 'GET' })).json()).toEqual({ code: 'method_not_allowed', allow: 'POST' });
    expect(await (await hono.request('/v1/things/a/b', { method: 'DELETE' })).json()).toEqual({ code: 'method_not_allowed', allow: 'GET' });
    expect(await (await hono.request('/v1/nothing')).json()).toEqual({ code: 'unknown_url', allow: null });
    expect(await (await hono.request('/v1/things/', { method: 'POST' })).text()).toBe('posted');
    expect(await (await hono.request('/v1/things/a/b')).text()).toBe('a/b');
  });

  it('lets every method through to an `app.all` endpoint (middleware registered with `use` is no endpoint)', async () => {
    const hono = app();
    for (const method of ['GET', 'PUT', 'PATCH']) expect(await (await hono.request('/proxy/billing/x/y', { method })).text()).toBe(`proxied ${method}`);
  });
});
