/**
 * @module config/check-references
 * The checks that relate one part of the configuration to another: a model's `provider` is a
 * configured provider (each deployment's too); a group's `fallbacks` and `contextFallback` name
 * configured public models; a tenant's `models` and its keys' model scopes name configured models. They
 * read the raw document, tolerating parts of the wrong shape (zod reports those), so that the
 * first run reports every problem of the file at once, not one pass of problems after another.
 */
import { didYouMean } from '../errors/closest-names.js';
import { unknownModelProblems, type ModelConfigView } from '../models/known-models.js';

type Raw = Record<string, unknown>;

export function referenceProblems(raw: unknown): string[] {
  if (!isRecord(raw)) return [];
  const providers = isRecord(raw.providers) ? raw.providers : {};
  const models = isRecord(raw.models) ? raw.models : {};
  const problems: string[] = [];
  const providerNames = Object.keys(providers);
  const providerProblem = (field: string, provider: unknown) => {
    if (typeof provider !== 'string' || provider in providers) return;
    problems.push(
      `${field}: names the provider "${provider}", which is not configured.${didYouMean(provider, providerNames, '"')} ` +
        (providerNames.length > 0 ? `Configured providers: ${providerNames.join(', ')}.` : 'No providers are configured.'),
    );
  };
  for (const [name, model] of Object.entries(models)) {
    if (!isRecord(model)) continue;
    providerProblem(`models.${name}.provider`, model.provider);
    if (Array.isArray(model.deployments)) {
      model.deployments.forEach((deployment, index) => isRecord(deployment) && providerProblem(`models.${name}.deployments[${index}].provider`, deployment.provider));
    }
  }
  const view: ModelConfigView = {
    models,
    providers: Object.fromEntries(Object.entries(providers).map(([name, provider]) => [name, { directModels: isRecord(provider) ? provider.directModels : false }])),
  };
  // A model group falls back to configured public models only (not `provider/model`), and never to itself.
  const modelNames = { ...view, providers: {} };
  for (const [name, model] of Object.entries(models)) {
    if (!isRecord(model)) continue;
    problems.push(...lines(modelNames, model.fallbacks, `models.${name}.fallbacks`));
    if (typeof model.contextFallback === 'string') problems.push(...lines(modelNames, [model.contextFallback], `models.${name}.contextFallback`));
    const own = [...(Array.isArray(model.fallbacks) ? model.fallbacks : []), model.contextFallback];
    if (own.includes(name)) problems.push(`models.${name}: falls back to itself.`);
  }
  const tenants = isRecord(raw.tenants) ? raw.tenants : {};
  const serviceNames = Object.keys(isRecord(raw.services) ? raw.services : {});
  for (const [id, tenant] of Object.entries(tenants)) {
    if (!isRecord(tenant)) continue;
    problems.push(...lines(view, tenant.models, `tenants.${id}.models`));
    problems.push(...unknownServices(serviceNames, tenant.services, `tenants.${id}.services`));
    if (!Array.isArray(tenant.keys)) continue;
    tenant.keys.forEach((key, index) => {
      if (!isRecord(key) || !isRecord(key.scopes)) return;
      problems.push(...lines(view, key.scopes.models, `tenants.${id}.keys[${index}].scopes.models`));
      problems.push(...unknownServices(serviceNames, key.scopes.services, `tenants.${id}.keys[${index}].scopes.services`));
    });
  }
  return problems;
}

function lines(view: ModelConfigView, names: unknown, field: string): string[] {
  if (!Array.isArray(names)) return [];
  const strings = names.filter((name): name is string => typeof name === 'string');
  return unknownModelProblems(view, strings, field, '"').map(({ field: at, problem }) => `${at}: ${problem}`);
}

function unknownServices(serviceNames: string[], names: unknown, field: string): string[] {
  if (!Array.isArray(names)) return [];
  return names
    .filter((name): name is string => typeof name === 'string' && !serviceNames.includes(name))
    .map((name) => `${field}: names the service "${name}", which is not configured.${didYouMean(name, serviceNames, '"')}`);
}

function isRecord(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
