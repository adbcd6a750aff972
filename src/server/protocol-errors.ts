/**
 * @module server/protocol-errors
 * Which error shape each route answers in: OpenAI's everywhere, except on the routes of a
 * protocol whose SDK reads another — Anthropic's on `/v1/messages` (and on `/v1/models` when the
 * request carries `anthropic-version`), Google's on `/v1beta`. Registered before authentication,
 * so a missing key or a wrong method is already answered in the client's own shape.
 */
import type { Hono, MiddlewareHandler } from 'hono';
import { anthropicErrorBody } from '../../protocols/anthropic/index.js';
import { geminiErrorBody } from '../../protocols/gemini/index.js';
import type { ErrorBodyWriter } from '../errors/render-error.js';
import type { GatewayEnv } from './gateway-env.js';

function errorShape(writer: ErrorBodyWriter, when?: (header: (name: string) => string | undefined) => boolean): MiddlewareHandler<GatewayEnv> {
  return async function protocolErrorShape(context, next) {
    if (!when || when((name) => context.req.header(name))) context.set('errorBody', writer);
    await next();
  };
}

export function registerProtocolErrorShapes(app: Hono<GatewayEnv>): void {
  const anthropic = errorShape(anthropicErrorBody);
  app.use('/v1/messages', anthropic);
  app.use('/v1/messages/*', anthropic);
  const anthropicModels = errorShape(anthropicErrorBody, (header) => header('anthropic-version') !== undefined);
  app.use('/v1/models', anthropicModels);
  app.use('/v1/models/*', anthropicModels);
  app.use('/v1beta/*', errorShape(geminiErrorBody));
}

/**
 * The error shape for a request path where Hono never sees the request (http-server answers on
 * the socket: a body that did not arrive in time): the same rule as above, minus the header.
 */
export function errorBodyWriterForPath(path: string): ErrorBodyWriter | undefined {
  if (path === '/v1/messages' || path.startsWith('/v1/messages/') || path.startsWith('/v1/messages?')) return anthropicErrorBody;
  if (path.startsWith('/v1beta/')) return geminiErrorBody;
  return undefined;
}
