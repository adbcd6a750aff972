/**
 * @module server/app
 * Builds the Hono application: request ids, the body size limit, the routes, and the one place
 * where every error becomes an OpenAI-shaped response.
 */
import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { GatewayError } from '../errors/gateway-error.js';
import { errorResponse, toGatewayError } from '../errors/render-error.js';
import type { GatewayEnv, GatewayServices } from './gateway-env.js';
import { registerChatCompletions } from './routes/chat-completions.js';
import { registerEmbeddings } from './routes/embeddings.js';
import { registerHealth } from './routes/health.js';
import { registerModels } from './routes/models.js';
import { registerAdminRoutes } from '../admin/register-admin-routes.js';
import { registerOpenApiRoutes } from '../openapi/index.js';
import { registerPromptRoutes } from '../prompt-api/prompt-routes.js';
import { promptsVisibleTo } from '../prompt-api/prompts-visible-to.js';
import { requireTenant } from './tenant-auth.js';
import { routeGuard } from './route-guard.js';

/** Echo a caller's own request id only if it is short and plain, so it is safe to echo and log. */
const acceptableClientRequestId = /^[A-Za-z0-9._:-]{1,128}$/;

export function createApp(services: GatewayServices): Hono<GatewayEnv> {
  // strict: false serves `/v1/models/` as `/v1/models`.
  const app = new Hono<GatewayEnv>({ strict: false });

  // Every call gets Tollgate's own unique id (it is the ledger row's key, so a caller reusing its
  // own id can never make two calls collide); a caller's `x-request-id` comes back as
  // `x-client-request-id` for tracing.
  app.use(async (context, next) => {
    const requestId = `req_${randomUUID().replaceAll('-', '')}`;
    context.set('requestId', requestId);
    context.set('gateway', services);
    await next();
    context.res.headers.set('x-request-id', requestId);
    const clientRequestId = context.req.header('x-request-id');
    if (clientRequestId && acceptableClientRequestId.test(clientRequestId)) context.res.headers.set('x-client-request-id', clientRequestId);
  });

  app.use(routeGuard(app));

  registerHealth(app);
  registerOpenApiRoutes(app, { visiblePrompts: promptsVisibleTo });
  app.use('/v1/*', requireTenant());
  registerAdminRoutes(app);
  registerModels(app);
  registerChatCompletions(app);
  registerEmbeddings(app);
  registerPromptRoutes(app);

  app.notFound((context) =>
    errorResponse(
      new GatewayError(404, `Unknown request URL: ${context.req.method} ${context.req.path}.`, { code: 'unknown_url' }),
      { 'x-request-id': context.get('requestId') ?? '' },
    ),
  );
  app.onError((error, context) => errorResponse(toGatewayError(error), { 'x-request-id': context.get('requestId') ?? '' }));
  return app;
}
