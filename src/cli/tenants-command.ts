/**
 * @module cli/tenants-command
 * `tollgate tenants list | show ID | create ID [options] | update ID [options] | delete ID`
 */
import { parseArgs } from 'node:util';
import { createTenantSchema, updateTenantSchema } from '../admin/admin-schemas.js';
import { presentKey, presentTenant } from '../admin/present.js';
import { openCliContext, listOption, printJson, UsageError } from './cli-context.js';

export const tenantsUsage = `tollgate tenants list
tollgate tenants show ID
tollgate tenants create ID [--time-zone ZONE] [--models a,b] [--unpriced reject|allow]
                           [--requests-per-minute N] [--tokens-per-minute N] [--tokens-per-day N]
                           [--cost-per-day-usd X] [--cost-per-month-usd X] [--concurrent-requests N]
tollgate tenants update ID [same options as create]
tollgate tenants delete ID`;

const tenantOptions = {
  config: { type: 'string' },
  'time-zone': { type: 'string' },
  models: { type: 'string' },
  unpriced: { type: 'string' },
  'requests-per-minute': { type: 'string' },
  'tokens-per-minute': { type: 'string' },
  'tokens-per-day': { type: 'string' },
  'cost-per-day-usd': { type: 'string' },
  'cost-per-month-usd': { type: 'string' },
  'concurrent-requests': { type: 'string' },
} as const;

export function tenantsCommand(argv: string[]): number {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: tenantOptions });
  const [action, id] = positionals;
  const cli = openCliContext(values.config);
  try {
    switch (action) {
      case 'list':
        printJson(cli.keyStore.listTenants().map(presentTenant));
        return 0;
      case 'show': {
        const tenant = id ? cli.keyStore.tenant(id) : undefined;
        if (!tenant) throw new UsageError(`no tenant "${id ?? ''}"`);
        printJson({ ...presentTenant(tenant), keys: cli.keyStore.listKeys(tenant.id).map((key) => presentKey(key)) });
        return 0;
      }
      case 'create': {
        const input = parseOrExplain(createTenantSchema, { id, ...tenantFields(values) });
        if (cli.keyStore.tenant(input.id)) throw new UsageError(`tenant "${input.id}" already exists`);
        const created = presentTenant(cli.keyStore.createTenant(input));
        cli.audit({ action: 'tenant.create', targetType: 'tenant', targetId: input.id, after: created });
        printJson(created);
        return 0;
      }
      case 'update': {
        if (!id || !cli.keyStore.tenant(id)) throw new UsageError(`no tenant "${id ?? ''}"`);
        const patch = parseOrExplain(updateTenantSchema, tenantFields(values));
        const before = presentTenant(cli.keyStore.tenant(id)!);
        const updated = presentTenant(cli.keyStore.updateTenant(id, patch)!);
        cli.audit({ action: 'tenant.update', targetType: 'tenant', targetId: id, before, after: updated });
        printJson(updated);
        return 0;
      }
      case 'delete': {
        const existing = id ? cli.keyStore.tenant(id) : undefined;
        const before = existing ? { ...presentTenant(existing), keys: cli.keyStore.listKeys(existing.id).map((key) => presentKey(key)) } : null;
        if (!id || !cli.keyStore.deleteTenant(id)) throw new UsageError(`no tenant "${id ?? ''}"`);
        cli.audit({ action: 'tenant.delete', targetType: 'tenant', targetId: id, before });
        printJson({ id, deleted: true });
        return 0;
      }
      default:
        throw new UsageError(`unknown action "${action ?? ''}"`);
    }
  } finally {
    cli.close();
  }
}

function tenantFields(values: Record<string, string | undefined>) {
  const number = (name: string) => (values[name] === undefined ? undefined : Number(values[name]));
  const quotas = Object.fromEntries(
    Object.entries({
      requestsPerMinute: number('requests-per-minute'),
      tokensPerMinute: number('tokens-per-minute'),
      tokensPerDay: number('tokens-per-day'),
      costPerDayUsd: values['cost-per-day-usd'],
      costPerMonthUsd: values['cost-per-month-usd'],
      concurrentRequests: number('concurrent-requests'),
    }).filter(([, value]) => value !== undefined),
  );
  return {
    ...(Object.keys(quotas).length > 0 ? { quotas } : {}),
    ...(values.models !== undefined ? { models: listOption(values.models) } : {}),
    ...(values['time-zone'] !== undefined ? { timeZone: values['time-zone'] } : {}),
    ...(values.unpriced !== undefined ? { unpricedModels: values.unpriced } : {}),
  };
}

export function parseOrExplain<T>(schema: { safeParse(value: unknown): { success: true; data: T } | { success: false; error: { issues: Array<{ path: PropertyKey[]; message: string }> } } }, value: unknown): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new UsageError(result.error.issues.map((issue) => `${issue.path.map(String).join('.') || 'input'}: ${issue.message}`).join('\n'));
}
