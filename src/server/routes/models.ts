/**
 * @module server/routes/models
 * `GET /v1/models` and `GET /v1/models/{id}` (ids may contain `/`, as in `anthropic/claude-opus-4-1`),
 * in OpenAI's shape, or in Anthropic's when the request carries `anthropic-version` (the Anthropic
 * SDK always sends it).
 */
import type { Hono } from 'hono';
import { mayUseModel, type TenantCaller } from '../../auth/authenticate.js';
import { modelNotFound } from '../../calls/resolve-model.js';
import type { ModelObject } from '../../../schemas/openai-models.js';
import type { GatewayEnv } from '../gateway-env.js';
import { tenantCaller } from '../tenant-auth.js';
import { toAnthropicModel, toAnthropicModelList } from '../../../protocols/anthropic/index.js';

/** Only the models the caller's tenant and key may use. */
function visibleTo(caller: TenantCaller, models: ModelObject[]): ModelObject[] {
  return models.filter((model) => mayUseModel(caller, model.id));
}

export function registerModels(app: Hono<GatewayEnv>): void {
  app.get('/v1/models', (context) => {
    const models = visibleTo(tenantCaller(context), context.get('gateway').models.list());
    if (context.req.header('anthropic-version') !== undefined) return context.json(toAnthropicModelList(models));
    return context.json({ object: 'list', data: models });
  });
  app.get('/v1/models/:id{.+}', (context) => {
    const id = context.req.param('id');
    const visible = visibleTo(tenantCaller(context), context.get('gateway').models.list());
    const model = visible.find((entry) => entry.id === id);
    if (!model) throw modelNotFound(id, visible.map((entry) => entry.id));
    return context.json(context.req.header('anthropic-version') !== undefined ? toAnthropicModel(model) : model);
  });
}
