/**
 * @module server/routes/models
 * `GET /v1/models` and `GET /v1/models/{id}` (ids may contain `/`, as in `anthropic/claude-opus-4-1`).
 */
import type { Hono } from 'hono';
import { GatewayError } from '../../errors/gateway-error.js';
import type { GatewayEnv } from '../gateway-env.js';

export function registerModels(app: Hono<GatewayEnv>): void {
  app.get('/v1/models', (context) => context.json({ object: 'list', data: context.var.gateway.models.list() }));
  app.get('/v1/models/:id{.+}', (context) => {
    const id = context.req.param('id');
    const model = context.var.gateway.models.find(id);
    if (!model) {
      throw new GatewayError(404, `The model \`${id}\` does not exist or you do not have access to it.`, {
        param: 'model',
        code: 'model_not_found',
      });
    }
    return context.json(model);
  });
}
