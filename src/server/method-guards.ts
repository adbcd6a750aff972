/**
 * @module server/method-guards
 * A known path asked with a method it does not serve answers 405 with `Allow` (in the path's
 * protocol's error shape), not 404: the client reached the right place the wrong way. Registered
 * before authentication, since the answer reveals nothing a key would protect.
 */
import type { Hono } from 'hono';
import { GatewayError } from '../errors/gateway-error.js';
import type { GatewayEnv } from './gateway-env.js';

/** Every path a client may call under `/v1` and `/v1beta`, with the methods it serves. */
const knownPaths: Array<[path: string, methods: string[]]> = [
  ['/v1/chat/completions', ['POST']],
  ['/v1/completions', ['POST']],
  ['/v1/embeddings', ['POST']],
  ['/v1/models', ['GET']],
  ['/v1/models/:id{.+}', ['GET']],
  ['/v1/messages', ['POST']],
  ['/v1/messages/count_tokens', ['POST']],
  ['/v1/responses', ['POST']],
  ['/v1/responses/:id', ['GET', 'DELETE']],
  ['/v1/images/generations', ['POST']],
  ['/v1/audio/transcriptions', ['POST']],
  ['/v1/audio/speech', ['POST']],
  ['/v1/moderations', ['POST']],
  ['/v1beta/models/:target{.+:generateContent}', ['POST']],
  ['/v1beta/models/:target{.+:streamGenerateContent}', ['POST']],
];

export function registerMethodGuards(app: Hono<GatewayEnv>): void {
  for (const [path, methods] of knownPaths) {
    const allowed = methods.includes('GET') ? [...methods, 'HEAD'] : methods;
    const allow = allowed.join(', ');
    app.use(path, async function methodGuard(context, next) {
      if (allowed.includes(context.req.method)) return next();
      throw new GatewayError(405, `${context.req.method} is not supported on ${context.req.path}; use ${methods.join(' or ')}.`, {
        type: 'invalid_request_error',
        code: 'method_not_allowed',
        headers: { allow },
      });
    });
  }
}
