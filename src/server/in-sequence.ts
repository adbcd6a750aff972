/**
 * @module server/in-sequence
 * Two middlewares registered as one: each one's `next` calls the following one directly.
 * Hono runs every registered middleware through its `compose` (an async `dispatch` per layer with
 * its try/catch, and one more handler for the router to match); the middlewares every call walks
 * (request id and call tracking; authentication and `Idempotency-Key`) are registered in pairs
 * this way to save that per call.
 *
 * Behaviour is Hono's: a middleware that returns a Response instead of calling `next` (an
 * idempotent replay) answers the request; an error thrown by a later middleware reaches the
 * earlier ones' `await next()` (which only rethrow it), then Hono's error handler; the route's own
 * errors are still turned into the error response before any of these sees `next()` resolve.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { GatewayEnv } from './gateway-env.js';

export function inSequence(first: MiddlewareHandler<GatewayEnv>, then: MiddlewareHandler<GatewayEnv>): MiddlewareHandler<GatewayEnv> {
  return (context, next) => first(context, () => answered(context, then(context, next)));
}

/** What Hono's `compose` does with a middleware's result: a returned Response becomes the answer. */
async function answered(context: Context<GatewayEnv>, result: Promise<Response | void>): Promise<void> {
  const response = await result;
  if (response && !context.finalized) context.res = response;
}
