/**
 * @module cli/tenants-command
 * `tollgate tenants list | show ID | create ID [options] | update ID [options] | delete ID`
 */
import { createTenantSchema, updateTenantSchema } from '../admin/admin-schemas.js';
import { presentKey, presentTenant } from '../admin/present.js';
import { unknownModelProblems } from '../models/known-models.js';
import { CommandError, listOption, openCliContext, parseCommand, parseOptions, printJson, UsageError, wholeNumberOption, type CliContext } from './cli-context.js';

export const tenantsUsage = `tollgate tenants list                      every tenant, as JSON
tollgate tenants show ID                   one tenant with its keys
tollgate tenants create ID [options]       a new tenant (the options below)
tollgate tenants update ID [options]       change the options given; the others stay
tollgate tenants delete ID                 delete a tenant and its keys (its ledger rows stay)
  --models a,b                  the public model names the tenant may use (default: every model)
  --services a,b                the REST services the tenant may call (default: every service)
  --time-zone ZONE              IANA zone of its daily and monthly windows (default: UTC)
  --unpriced reject|allow       calls to models without a price (default: reject with a money quota)
  --body-capture allow|deny     deny: its bodies are never captured, whatever logs.bodyCapture lists (default: allow)
  --requests-per-minute N       --tokens-per-minute N       --tokens-per-day N
  --cost-per-day-usd X          --cost-per-month-usd X      --concurrent-requests N
  --config PATH                 configuration file (default: $TOLLGATE_CONFIG, else ./tollgate.yaml)`;

const tenantOptions = {
  'time-zone': { type: 'string' },
  models: { type: 'string' },
  services: { type: 'string' },
  unpriced: { type: 'string' },
  'body-capture': { type: 'string' },
  'requests-per-minute': { type: 'string' },
  'tokens-per-minute': { type: 'string' },
  'tokens-per-day': { type: 'string' },
  'cost-per-day-usd': { type: 'string' },
  'cost-per-month-usd': { type: 'string' },
  'concurrent-requests': { type: 'string' },
} as const;

type Values = Record<string, string | boolean | undefined>;

export async function tenantsCommand(argv: string[]): Promise<number> {
  const { values, positionals, help } = parseCommand(argv, tenantOptions, tenantsUsage);
  if (help) {
    process.stdout.write(`${tenantsUsage}\n`);
    return 0;
  }
  const [action, id, ...extra] = positionals;
  if (!['list', 'show', 'create', 'update', 'delete'].includes(action ?? '')) {
    throw new UsageError(action ? `unknown action "${action}"` : 'an action is required', tenantsUsage);
  }
  if (action !== 'list' && !id) throw new UsageError(`tenants ${action} needs a tenant ID`, tenantsUsage);
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`, tenantsUsage);
  const cli = await openCliContext(values.config as string | undefined);
  try {
    return await runAction(cli, action, id, values);
  } finally {
    await cli.close();
  }
}

async function runAction(cli: CliContext, action: string, id: string, values: Values): Promise<number> {
  switch (action) {
    case 'list':
      printJson(cli.keyStore.listTenants().map(presentTenant));
      return 0;
    case 'show': {
      const tenant = existingTenant(cli, id);
      printJson({ ...presentTenant(tenant), keys: cli.keyStore.listKeys(tenant.id).map((key) => presentKey(key)) });
      return 0;
    }
    case 'create': {
      const input = parseOptions(createTenantSchema, { id, ...tenantFields(values) }, optionFor);
      checkModels(cli, input.models);
      checkServices(cli, input.services, '--services');
      if (cli.keyStore.tenant(input.id)) throw new CommandError(`tenant "${input.id}" already exists`);
      const created = presentTenant(await cli.keyStore.createTenant(input));
      await cli.audit({ action: 'tenant.create', targetType: 'tenant', targetId: input.id, after: created });
      printJson(created);
      return 0;
    }
    case 'update': {
      const before = presentTenant(existingTenant(cli, id));
      const patch = parseOptions(updateTenantSchema, tenantFields(values), optionFor);
      checkModels(cli, patch.models);
      checkServices(cli, patch.services, '--services');
      const updated = presentTenant((await cli.keyStore.updateTenant(id, patch))!);
      await cli.audit({ action: 'tenant.update', targetType: 'tenant', targetId: id, before, after: updated });
      printJson(updated);
      return 0;
    }
    default: {
      const existing = existingTenant(cli, id);
      const before = { ...presentTenant(existing), keys: cli.keyStore.listKeys(existing.id).map((key) => presentKey(key)) };
      await cli.keyStore.deleteTenant(id);
      await cli.audit({ action: 'tenant.delete', targetType: 'tenant', targetId: id, before });
      printJson({ id, deleted: true });
      return 0;
    }
  }
}

function existingTenant(cli: CliContext, id: string) {
  const tenant = cli.keyStore.tenant(id);
  if (!tenant) throw new CommandError(`no tenant "${id}" (\`tollgate tenants list\` shows them)`);
  return tenant;
}

/** `--models` must name models the configuration serves. */
export function checkModels(cli: CliContext, models: readonly string[] | null | undefined): void {
  const problems = unknownModelProblems(cli.config, models, 'models', '"');
  if (problems.length > 0) throw new CommandError(problems.map(({ problem }) => `--models ${problem}`).join('\n'));
}

/** Service names (`--services`) must name services the configuration proxies, as the admin API insists. */
export function checkServices(cli: CliContext, services: readonly string[] | null | undefined, option: string): void {
  const unknown = services?.filter((name) => !(name in cli.config.services)) ?? [];
  if (unknown.length === 0) return;
  const known = Object.keys(cli.config.services);
  const names = unknown.slice(0, 5).map((name) => `"${name.slice(0, 100)}"`).join(', ');
  throw new CommandError(`${option} names ${unknown.length === 1 ? 'a service' : 'services'} not configured: ${names}; configured services: ${known.length > 0 ? known.join(', ') : 'none'}`);
}

function tenantFields(values: Values) {
  const text = (name: string) => values[name] as string | undefined;
  const quotas = Object.fromEntries(
    Object.entries({
      requestsPerMinute: wholeNumberOption('requests-per-minute', text('requests-per-minute'), tenantsUsage),
      tokensPerMinute: wholeNumberOption('tokens-per-minute', text('tokens-per-minute'), tenantsUsage),
      tokensPerDay: wholeNumberOption('tokens-per-day', text('tokens-per-day'), tenantsUsage),
      costPerDayUsd: text('cost-per-day-usd'),
      costPerMonthUsd: text('cost-per-month-usd'),
      concurrentRequests: wholeNumberOption('concurrent-requests', text('concurrent-requests'), tenantsUsage),
    }).filter(([, value]) => value !== undefined),
  );
  return {
    ...(Object.keys(quotas).length > 0 ? { quotas } : {}),
    ...(values.models !== undefined ? { models: listOption(text('models')) } : {}),
    ...(values.services !== undefined ? { services: listOption(text('services')) } : {}),
    ...(values['time-zone'] !== undefined ? { timeZone: text('time-zone') } : {}),
    ...(values.unpriced !== undefined ? { unpricedModels: text('unpriced') } : {}),
    ...(values['body-capture'] !== undefined ? { allowBodyCapture: bodyCaptureOption(text('body-capture')!) } : {}),
  };
}

function bodyCaptureOption(value: string): boolean {
  if (value === 'allow' || value === 'deny') return value === 'allow';
  throw new UsageError(`--body-capture takes allow or deny, not "${value.slice(0, 40)}"`, tenantsUsage);
}

const optionNames: Record<string, string> = {
  id: 'ID',
  timeZone: '--time-zone',
  unpricedModels: '--unpriced',
  allowBodyCapture: '--body-capture',
  'quotas.requestsPerMinute': '--requests-per-minute',
  'quotas.tokensPerMinute': '--tokens-per-minute',
  'quotas.tokensPerDay': '--tokens-per-day',
  'quotas.costPerDayUsd': '--cost-per-day-usd',
  'quotas.costPerMonthUsd': '--cost-per-month-usd',
  'quotas.concurrentRequests': '--concurrent-requests',
};

function optionFor(field: string): string {
  if (field.startsWith('models')) return '--models';
  if (field.startsWith('services')) return '--services';
  return optionNames[field] ?? (field || 'options');
}
