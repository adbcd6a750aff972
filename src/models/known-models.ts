/**
 * @module models/known-models
 * Which model names a configuration serves, and the refusal for one it does not: every place a
 * model name is written down (a tenant's `models`, a key's model scope, a prompt's `model`, the
 * admin API, the CLI) checks it here, so a typo is an error where it was made — naming the
 * closest known names — instead of a confusing 403 or 404 on a later call.
 *
 * A name is known when it is a configured public name, or `provider/model` for a provider whose
 * `directModels` allows that model.
 */
import { didYouMean } from '../errors/closest-names.js';
import { GatewayError } from '../errors/gateway-error.js';

/** What the checks read of a configuration (also of a raw, not yet validated one). */
export interface ModelConfigView {
  models: Record<string, unknown>;
  providers: Record<string, { directModels?: unknown }>;
}

/** Every name a client may write: configured public names and listed direct models. */
export function knownModelNames(config: ModelConfigView): string[] {
  const names = Object.keys(config.models);
  for (const [providerName, provider] of Object.entries(config.providers)) {
    if (Array.isArray(provider.directModels)) names.push(...provider.directModels.map((model) => `${providerName}/${String(model)}`));
  }
  return names;
}

export function isKnownModel(config: ModelConfigView, name: string): boolean {
  if (Object.hasOwn(config.models, name)) return true;
  const slash = name.indexOf('/');
  if (slash <= 0 || slash === name.length - 1) return false;
  const allowed = config.providers[name.slice(0, slash)]?.directModels;
  return allowed === true || (Array.isArray(allowed) && allowed.includes(name.slice(slash + 1)));
}

/**
 * Why `name` is not a model this configuration serves, or undefined when it is:
 * 'names the model `dmeo`, which is not configured. Did you mean `demo`? Configured models: demo, demo-lorem'.
 */
export function unknownModelProblem(config: ModelConfigView, name: string, quote = '`'): string | undefined {
  if (isKnownModel(config, name)) return undefined;
  const known = knownModelNames(config);
  const listed = known.length > 0 ? ` Configured models: ${known.join(', ')}.` : ' No models are configured.';
  return `names the model ${quote}${name}${quote}, which is not configured.${didYouMean(name, known, quote)}${listed}`;
}

/** Problems for a list of names at `field` (`models[1]: names the model …`). */
export function unknownModelProblems(config: ModelConfigView, names: readonly string[] | null | undefined, field: string, quote = '`'): Array<{ field: string; problem: string }> {
  const problems: Array<{ field: string; problem: string }> = [];
  (names ?? []).forEach((name, index) => {
    const problem = unknownModelProblem(config, name, quote);
    if (problem) problems.push({ field: `${field}[${index}]`, problem });
  });
  return problems;
}

/** Throws 400 naming the first unknown model of `names` (an admin API body's `models`, a key's scope). */
export function assertKnownModels(config: ModelConfigView, names: readonly string[] | null | undefined, field: string): void {
  const [first] = unknownModelProblems(config, names, field);
  if (first) throw new GatewayError(400, `\`${first.field}\` ${first.problem}`, { param: first.field, code: 'unknown_model' });
}
