/**
 * @module server/app
 * Builds the Hono application: request ids, the body size limit, the routes, and the one place
 * where every error becomes an OpenAI-shaped response.
 */
import { randomUUID } from 'node:crypto';
import { Hono, type MiddlewareHandler } from 'hono';
import { GatewayError } from '../errors/gateway-error.js';
import { errorResponse, toGatewayError } from '../errors/render-error.js';
import type { GatewayEnv, GatewayServices } from './gateway-env.js';
import { registerChatCompletions } from './routes/chat-completions.js';
import { registerEmbeddings } from './routes/embeddings.js';
import { registerHealth } from './routes/health.js';
import { registerModels } from './routes/models.js';
import { registerAdminRoutes } from '../admin/register-admin-routes.js';
// Not the openapi index: it would load the document builder at start (see register-openapi-routes.ts).
import { registerOpenApiRoutes } from '../openapi/register-openapi-routes.js';
import { registerPromptRoutes } from '../prompt-api/prompt-routes.js';
import { promptsVisibleTo } from '../prompt-api/prompts-visible-to.js';
import { requireTenant } from './tenant-auth.js';
import { observeRequests } from '../observability/observe-requests.js';
import { auditChanges } from '../audit/audit-changes.js';
import { traced } from '../observability/tracing/traced-middleware.js';
import { registerMetricsRoute } from '../observability/metrics/metrics-endpoint.js';
import { registerProtocolErrorShapes } from './protocol-errors.js';
import { registerAnthropicMessages } from './routes/anthropic-messages.js';
import { registerResponses } from './routes/responses.js';
import { registerGemini } from './routes/gemini.js';
import { registerCompletions } from './routes/completions.js';
import { registerAudio } from './routes/audio.js';
import { registerImagesAndModerations } from './routes/images-and-moderations.js';
import { registerFinanceRoutes } from '../reports/register-finance-routes.js';
import { routeGuard } from './route-guard.js';
import { inSequence } from './in-sequence.js';
import { nodeOutgoing } from './node-objects.js';
import { idempotentCalls } from '../calls/idempotent-calls.js';
import { registerServiceMounts, registerServiceRoutes } from '../proxy/service-routes.js';

/** Echo a caller's own request id only if it is short and plain, so it is safe to echo and log. */
const acceptableClientRequestId = /^[A-Za-z0-9._:-]{1,128}$/;

export function createApp(services: GatewayServices): Hono<GatewayEnv> {
  // strict: false serves `/v1/models/` as `/v1/models`.
  const app = new Hono<GatewayEnv>({ strict: false });

  // Every call gets Tollgate's own unique id, then its track (observe-requests): one layer.
  app.use(inSequence(assignRequestId(services), observeRequests()));

  registerHealth(app);
  registerMetricsRoute(app, services.observability);
  registerOpenApiRoutes(app, { visiblePrompts: promptsVisibleTo });
  // After the error shapes, so a wrong URL or method is answered in the client's protocol.
  registerProtocolErrorShapes(app);
  app.use(routeGuard(app));
  // Authentication, then `Idempotency-Key` (keys are per tenant): one layer.
  app.use('/v1/*', inSequence(traced('auth', requireTenant()), idempotentCalls()));
  app.use('/v1beta/*', inSequence(traced('auth', requireTenant({ queryKey: true })), idempotentCalls()));
  app.use('/v1/prompts/*', auditChanges());
  registerAdminRoutes(app);
  registerModels(app);
  registerChatCompletions(app);
  registerEmbeddings(app);
  registerAnthropicMessages(app);
  registerResponses(app);
  registerGemini(app);
  registerCompletions(app);
  registerImagesAndModerations(app);
  registerAudio(app);
  registerPromptRoutes(app);
  registerFinanceRoutes(app);
  registerServiceRoutes(app);
  registerServiceMounts(app, services.proxy);

  app.notFound((context) =>
    errorResponse(
      new GatewayError(404, `Unknown request URL: ${context.req.method} ${context.req.path}.`, { code: 'unknown_url' }),
      { 'x-request-id': context.get('requestId') ?? '' },
      context.get('errorBody'),
    ),
  );
  app.onError((error, context) => errorResponse(toGatewayError(error), { 'x-request-id': context.get('requestId') ?? '' }, context.get('errorBody')));
  return app;
}

/**
 * Every call gets Tollgate's own unique id (it is the ledger row's key, so a caller reusing its
 * own id can never make two calls collide); a caller's `x-request-id` comes back as
 * `x-client-request-id` for tracing.
 */
function assignRequestId(services: GatewayServices): MiddlewareHandler<GatewayEnv> {
  return async function requestId(context, next) {
    const requestId = `req_${randomUUID().replaceAll('-', '')}`;
    context.set('requestId', requestId);
    context.set('gateway', services);
    const clientRequestId = context.req.header('x-request-id');
    const echoed = clientRequestId && acceptableClientRequestId.test(clientRequestId) ? clientRequestId : undefined;
    // Behind the Node server the ids go on Node's own response, which merges them into whatever
    // the route answers: setting them on the route's Response instead turned its plain header
    // object into a WHATWG Headers (every header validated and copied) on every call.
    const outgoing = nodeOutgoing(context.env);
    if (outgoing) {
      outgoing.setHeader('x-request-id', requestId);
      if (echoed) outgoing.setHeader('x-client-request-id', echoed);
      await next();
      return;
    }
    await next();
    context.res.headers.set('x-request-id', requestId);
    if (echoed) context.res.headers.set('x-client-request-id', echoed);
  };
}
