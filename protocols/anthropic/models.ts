/**
 * @module protocols/anthropic/models
 * `GET /v1/models` as the Anthropic SDK reads it (`models.list()`, `models.retrieve()`): model
 * objects with `type`, `id`, `display_name` and an RFC 3339 `created_at`, in one page
 * (`has_more: false`, `first_id`, `last_id`).
 */
import type { ModelObject } from '../../schemas/openai-models.js';

export function toAnthropicModel(model: ModelObject) {
  return { type: 'model' as const, id: model.id, display_name: model.id, created_at: new Date(model.created * 1000).toISOString() };
}

export function toAnthropicModelList(models: ModelObject[]) {
  const data = models.map(toAnthropicModel);
  return { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null };
}
