/**
 * @module config/check-references
 * The checks that relate one part of the configuration to another: a model's `provider` is a
 * configured provider; a tenant's `models` and its keys' model scopes name configured models. They
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
  for (const [name, model] of Object.entries(models)) {
    if (!isRecord(model) || typeof model.provider !== 'string' || model.provider in providers) continue;
    problems.push(
      `models.${name}.provider: names the provider "${model.provider}", which is not configured.${didYouMean(model.provider, providerNames, '"')} ` +
        (providerNames.length > 0 ? `Configured providers: ${providerNames.join(', ')}.` : 'No providers are configured.'),
    );
  }
  const view: ModelConfigView = {
    models,
    providers: Object.fromEntries(Object.entries(providers).map(([name, provider]) => [name, { directModels: isRecord(provider) ? provider.directModels : false }])),
  };
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
