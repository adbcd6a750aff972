/**
 * @module cli/keys-command
 * `tollgate keys create | list | revoke`. A created key is printed once and never again.
 */
import { parseArgs } from 'node:util';
import { createKeySchema, createOperatorSchema } from '../admin/admin-schemas.js';
import { presentKey } from '../admin/present.js';
import { listOption, openCliContext, printJson, UsageError } from './cli-context.js';
import { parseOrExplain } from './tenants-command.js';

export const keysUsage = `tollgate keys create --tenant ID --name NAME [--models a,b] [--prompts a,b] [--services a,b]
                     [--permissions prompts:publish] [--expires ISO-DATE]
tollgate keys create --operator finance|admin --name NAME
tollgate keys list [--tenant ID]
tollgate keys revoke KEY_ID`;

export function keysCommand(argv: string[]): number {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      tenant: { type: 'string' },
      name: { type: 'string' },
      operator: { type: 'string' },
      models: { type: 'string' },
      prompts: { type: 'string' },
      services: { type: 'string' },
      permissions: { type: 'string' },
      expires: { type: 'string' },
    },
  });
  const [action, keyId] = positionals;
  const cli = openCliContext(values.config);
  try {
    switch (action) {
      case 'create':
        printJson(values.operator ? createOperatorKey(cli, values) : createTenantKey(cli, values));
        return 0;
      case 'list':
        printJson(cli.keyStore.listKeys(values.tenant).map((key) => presentKey(key)));
        return 0;
      case 'revoke':
        if (!keyId || !cli.keyStore.key(keyId)) throw new UsageError(`no key "${keyId ?? ''}"`);
        {
          const before = presentKey(cli.keyStore.key(keyId)!);
          cli.keyStore.revokeKey(keyId);
          const after = presentKey(cli.keyStore.key(keyId)!);
          cli.audit({ action: 'key.revoke', targetType: 'key', targetId: keyId, before, after });
          printJson(after);
        }
        return 0;
      default:
        throw new UsageError(`unknown action "${action ?? ''}"`);
    }
  } finally {
    cli.close();
  }
}

type Values = Record<string, string | undefined>;
type Cli = ReturnType<typeof openCliContext>;

function createTenantKey(cli: Cli, values: Values) {
  if (!values.tenant || !cli.keyStore.tenant(values.tenant)) throw new UsageError(`no tenant "${values.tenant ?? ''}" (--tenant)`);
  const scopes = Object.fromEntries(
    (['models', 'prompts', 'services', 'permissions'] as const)
      .map((scope) => [scope, listOption(values[scope])] as const)
      .filter(([, list]) => list !== undefined),
  );
  const input = parseOrExplain(createKeySchema, {
    name: values.name,
    ...(Object.keys(scopes).length > 0 ? { scopes } : {}),
    ...(values.expires ? { expiresAt: values.expires } : {}),
  });
  const expiresAt = input.expiresAt ? Date.parse(input.expiresAt) : null;
  if (expiresAt !== null && expiresAt <= Date.now()) throw new UsageError('--expires must be in the future');
  const { record, key } = cli.keyStore.createKey({ ...input, tenantId: values.tenant, expiresAt });
  cli.audit({ action: 'key.create', targetType: 'key', targetId: record.id, after: presentKey(record) });
  return { ...presentKey(record), key, note: 'Store this key now: it is shown only once.' };
}

function createOperatorKey(cli: Cli, values: Values) {
  const input = parseOrExplain(createOperatorSchema, { name: values.name, role: values.operator });
  const { record, key } = cli.keyStore.createKey({ tenantId: null, name: input.name, role: input.role });
  cli.audit({ action: 'operator.create', targetType: 'key', targetId: record.id, after: presentKey(record) });
  return { ...presentKey(record), key, note: 'Store this key now: it is shown only once.' };
}
