/**
 * @module observability/tracing/traced-middleware
 * Wraps a middleware (authentication) in a span of the call's trace: the span covers the
 * middleware's own work and ends when it hands on to the next one, or with its error. When the
 * call is not traced the middleware runs as it is.
 */
import type { MiddlewareHandler } from 'hono';
import type { GatewayEnv } from '../../server/gateway-env.js';

export function traced(name: string, inner: MiddlewareHandler<GatewayEnv>): MiddlewareHandler<GatewayEnv> {
  return async function tracedMiddleware(context, next) {
    const end = context.get('gateway').observability.phase(context.get('requestId'), name);
    if (!end) return inner(context, next);
    let ended = false;
    try {
      await inner(context, async () => {
        ended = true;
        end();
        await next();
      });
    } catch (error) {
      if (!ended) {
        ended = true;
        end(error);
      }
      throw error;
    } finally {
      if (!ended) end();
    }
  };
}
