/**
 * @module cli/keys-command
 * `tollgate keys create | list | revoke`. A created key is printed once and never again.
 */
import { createKeySchema, createOperatorSchema } from '../admin/admin-schemas.js';
import { presentKey } from '../admin/present.js';
import { CommandError, listOption, openCliContext, parseCommand, parseOptions, printJson, UsageError, type CliContext } from './cli-context.js';
import { checkModels, checkServices } from './tenants-command.js';

export const keysUsage = `tollgate keys create --tenant ID --name NAME [options]   a tenant key (printed once, as JSON: its "key" field)
  --models a,b                  models the key may use, within its tenant's (default: the tenant's)
  --prompts a,b                 prompts the key may call (default: every prompt its tenant may call)
  --services a,b                REST services the key may call (default: all)
  --permissions prompts:publish extra rights: prompts:publish lets it publish its tenant's prompts
  --expires DATE                an ISO date or date-time after which the key stops working
tollgate keys create --operator finance|admin --name NAME  an operator key: finance reads reports, admin does everything
tollgate keys list [--tenant ID]                          keys (never the keys themselves), all or one tenant's
tollgate keys revoke KEY_ID                               revoke a key; it fails from the next request on
  --config PATH                 configuration file (default: $TOLLGATE_CONFIG, else ./tollgate.yaml)`;

const keyOptions = {
  tenant: { type: 'string' },
  name: { type: 'string' },
  operator: { type: 'string' },
  models: { type: 'string' },
  prompts: { type: 'string' },
  services: { type: 'string' },
  permissions: { type: 'string' },
  expires: { type: 'string' },
} as const;

type Values = Record<string, string | undefined>;

export async function keysCommand(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv, keyOptions, keysUsage);
  if (parsed.help) {
    process.stdout.write(`${keysUsage}\n`);
    return 0;
  }
  const values = parsed.values as Values;
  const [action, keyId, ...extra] = parsed.positionals;
  if (!['create', 'list', 'revoke'].includes(action ?? '')) throw new UsageError(action ? `unknown action "${action}"` : 'an action is required', keysUsage);
  if (action === 'revoke' && !keyId) throw new UsageError('keys revoke needs a KEY_ID (`tollgate keys list` shows them)', keysUsage);
  const unexpected = action === 'revoke' ? extra[0] : keyId;
  if (unexpected !== undefined) throw new UsageError(`unexpected argument "${unexpected}"`, keysUsage);
  if (action === 'create' && !values.name) throw new UsageError('keys create needs --name NAME', keysUsage);
  if (action === 'create' && !values.tenant === !values.operator) throw new UsageError('keys create needs either --tenant ID or --operator ROLE', keysUsage);
  const cli = await openCliContext(values.config);
  try {
    switch (action) {
      case 'create':
        printJson(values.operator ? await createOperatorKey(cli, values) : await createTenantKey(cli, values));
        return 0;
      case 'list':
        if (values.tenant && !cli.keyStore.tenant(values.tenant)) throw new CommandError(`no tenant "${values.tenant}"`);
        printJson(cli.keyStore.listKeys(values.tenant).map((key) => presentKey(key)));
        return 0;
      default: {
        if (!cli.keyStore.key(keyId!)) throw new CommandError(`no key "${keyId}" (\`tollgate keys list\` shows them)`);
        const before = presentKey(cli.keyStore.key(keyId!)!);
        await cli.keyStore.revokeKey(keyId!);
        const after = presentKey(cli.keyStore.key(keyId!)!);
        await cli.audit({ action: 'key.revoke', targetType: 'key', targetId: keyId!, before, after });
        printJson(after);
        return 0;
      }
    }
  } finally {
    await cli.close();
  }
}

async function createTenantKey(cli: CliContext, values: Values) {
  const tenantId = values.tenant!;
  if (!cli.keyStore.tenant(tenantId)) throw new CommandError(`no tenant "${tenantId}" (create it with \`tollgate tenants create ${tenantId}\`)`);
  const scopes = Object.fromEntries(
    (['models', 'prompts', 'services', 'permissions'] as const)
      .map((scope) => [scope, listOption(values[scope])] as const)
      .filter(([, list]) => list !== undefined),
  );
  const input = parseOptions(
    createKeySchema,
    { name: values.name, ...(Object.keys(scopes).length > 0 ? { scopes } : {}), ...(values.expires ? { expiresAt: values.expires } : {}) },
    optionFor,
  );
  checkModels(cli, input.scopes?.models);
  checkServices(cli, input.scopes?.services, '--services');
  const expiresAt = input.expiresAt ? Date.parse(input.expiresAt) : null;
  if (expiresAt !== null && expiresAt <= Date.now()) throw new CommandError('--expires must be in the future');
  const { record, key } = await cli.keyStore.createKey({ ...input, tenantId, expiresAt });
  await cli.audit({ action: 'key.create', targetType: 'key', targetId: record.id, after: presentKey(record) });
  return { ...presentKey(record), key, note: 'Store this key now: it is shown only once.' };
}

async function createOperatorKey(cli: CliContext, values: Values) {
  const input = parseOptions(createOperatorSchema, { name: values.name, role: values.operator }, optionFor);
  const { record, key } = await cli.keyStore.createKey({ tenantId: null, name: input.name, role: input.role });
  await cli.audit({ action: 'operator.create', targetType: 'key', targetId: record.id, after: presentKey(record) });
  return { ...presentKey(record), key, note: 'Store this key now: it is shown only once.' };
}

function optionFor(field: string): string {
  if (field === 'expiresAt') return '--expires';
  if (field === 'role') return '--operator';
  if (field.startsWith('scopes.')) return `--${field.slice('scopes.'.length).replace(/\[\d+\]$/, '')}`;
  return field ? `--${field}` : 'options';
}
