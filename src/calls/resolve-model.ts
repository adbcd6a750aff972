/**
 * @module calls/resolve-model
 * Resolves the model a caller named; an unknown name is OpenAI's 404 `model_not_found`, with the
 * closest names the caller may use and the whole list of them, so a typo needs no second guess.
 * Only models the caller's tenant and key may use are named: the answer leaks no other model.
 */
import { mayUseModel, type TenantCaller } from '../auth/authenticate.js';
import { didYouMean } from '../errors/closest-names.js';
import { GatewayError } from '../errors/gateway-error.js';
import type { ModelRegistry, ResolvedModel } from '../models/model-registry.js';

export function resolveModelFor(models: ModelRegistry, caller: TenantCaller, name: string): ResolvedModel {
  try {
    return models.resolve(name);
  } catch (error) {
    if (error instanceof GatewayError && error.code === 'model_not_found') throw modelNotFound(name, usableModels(models, caller));
    throw error;
  }
}

/** The public model ids the caller may use, as `/v1/models` lists them. */
export function usableModels(models: ModelRegistry, caller: TenantCaller): string[] {
  return models
    .list()
    .map((model) => model.id)
    .filter((id) => mayUseModel(caller, id));
}

export function modelNotFound(name: string, usable: readonly string[]): GatewayError {
  const listed = usable.length > 0 ? ` Models you may use: ${usable.join(', ')}.` : ' This key may use no model.';
  return new GatewayError(404, `The model \`${name}\` does not exist or you do not have access to it.${didYouMean(name, usable)}${listed}`, {
    type: 'invalid_request_error',
    param: 'model',
    code: 'model_not_found',
  });
}
