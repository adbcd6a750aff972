/**
 * @module dashboard/dashboard-routes
 * `/dashboard`: the finance dashboard page and its built assets, and its session —
 * `POST /dashboard/session` `{ "key": "..." }` signs in (sets the HttpOnly cookie),
 * `GET /dashboard/session` says who is signed in, `DELETE /dashboard/session` signs out. The page
 * reads its figures from the same report APIs as everyone else, with the session cookie.
 */
import type { Context, Hono } from 'hono';
import type { Caller } from '../auth/authenticate.js';
import { GatewayError } from '../errors/gateway-error.js';
import type { GatewayEnv } from '../server/gateway-env.js';
import { readJsonBody } from '../server/read-request.js';
import { dashboardAsset } from './dashboard-assets.js';
import { requireSession, signIn, signOut } from './session-auth.js';

/** The page may load only its own files and talk only to this origin. */
const pageHeaders = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

export function registerDashboardRoutes(app: Hono<GatewayEnv>): void {
  app.get('/dashboard', (context) => {
    const page = dashboardAsset('index.html');
    if (!page) {
      return context.text('The dashboard is not built. Run `npm run build` (it bundles dashboard/ into dist/dashboard/).', 503, pageHeaders);
    }
    return new Response(page.body, { headers: { 'content-type': page.contentType, ...pageHeaders } });
  });

  app.get('/dashboard/assets/:file', (context) => {
    const asset = dashboardAsset(context.req.param('file'));
    if (!asset) throw new GatewayError(404, 'No such dashboard file.', { code: 'not_found' });
    // Names carry a content hash, so they can be cached for good.
    return new Response(asset.body, { headers: { 'content-type': asset.contentType, 'cache-control': 'public, max-age=31536000, immutable', 'x-content-type-options': 'nosniff' } });
  });

  app.post('/dashboard/session', async (context) => {
    const body = (await readJsonBody(context)) as { key?: unknown } | null;
    const key = typeof body?.key === 'string' && body.key.length <= 512 ? body.key.trim() : undefined;
    const { caller, cookie } = await signIn(context, key);
    return context.json(describe(caller), 200, { 'set-cookie': cookie, 'cache-control': 'no-store' });
  });

  app.get('/dashboard/session', async (context) => context.json(describe(await requireSession(context)), 200, { 'cache-control': 'no-store' }));

  app.delete('/dashboard/session', async (context: Context<GatewayEnv>) => context.json({ signed_out: true }, 200, { 'set-cookie': await signOut(context) }));
}

/** What the page needs to know about who signed in; never the key. */
function describe(caller: Caller) {
  if (caller.kind === 'tenant') return { role: 'tenant', tenant: caller.tenant.id, key_name: caller.key.name, time_zone: caller.tenant.timeZone };
  return { role: caller.role, tenant: null, key_name: caller.key?.name ?? 'admin key', time_zone: 'UTC' };
}
