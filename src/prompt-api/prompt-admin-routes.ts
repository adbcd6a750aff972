/**
 * @module prompt-api/prompt-admin-routes
 * Publishing and governing prompts: `POST /admin/prompts` (a new immutable version),
 * `POST /admin/prompts/{name}/versions/{version}/deprecate`, and the owner's (or an admin's) view
 * of and answers to subscription requests. Tenant keys with `prompts:publish` may use these for
 * their own tenant's prompts; admins for any.
 */
import type { Context, Hono } from 'hono';
import type { Caller } from '../auth/authenticate.js';
import { GatewayError } from '../errors/gateway-error.js';
import type { PromptVersion } from '../prompts/types.js';
import type { GatewayEnv } from '../server/gateway-env.js';
import { readJsonBody } from '../server/read-request.js';
import { deprecatePromptVersion, publishPrompt } from './publish-prompt.js';
import { announceChange } from '../coordination/local-changes.js';

export function registerPromptAdminRoutes(app: Hono<GatewayEnv>): void {
  app.post('/admin/prompts', async (context) => {
    const services = context.get('gateway');
    const caller = context.get('caller');
    const body = await readJsonBody(context);
    const owner = (body as { owner?: unknown } | null)?.owner;
    if (caller.kind === 'operator' && typeof owner === 'string' && !services.keyStore.tenant(owner)) {
      throw new GatewayError(400, `No tenant \`${owner}\` to own the prompt.`, { code: 'tenant_not_found', param: 'owner' });
    }
    const definition = await publishPrompt({ database: services.database, postgres: services.postgres, catalog: services.prompts.library, config: services.config }, caller, body);
    await services.prompts.library.reloadDatabase();
    announceChange('prompts');
    return context.json(definition, 201);
  });

  app.post('/admin/prompts/:name/versions/:version/deprecate', async (context) => {
    const services = context.get('gateway');
    const version = ownedVersion(context, Number(context.req.param('version')));
    if (version.source === 'file') {
      throw new GatewayError(409, `Version ${version.definition.version} of \`${version.definition.name}\` comes from ${version.path}; deprecate it there with \`deprecated: true\`.`, {
        code: 'prompt_from_file',
      });
    }
    await deprecatePromptVersion(services, version.definition.name, version.definition.version, version.deprecatedAt ?? Date.now());
    await services.prompts.library.reloadDatabase();
    announceChange('prompts');
    return context.json({ name: version.definition.name, version: version.definition.version, deprecated: true });
  });

  app.get('/admin/prompts/:name/subscriptions', (context) => {
    const latest = ownedVersion(context);
    const data = context.get('gateway').prompts.subscriptions.list(latest.definition.name).map((subscription) => ({
      name: subscription.name,
      tenant: subscription.tenantId,
      status: subscription.status,
      requested_at: new Date(subscription.requestedAt).toISOString(),
      decided_at: subscription.decidedAt === null ? null : new Date(subscription.decidedAt).toISOString(),
    }));
    return context.json({ data });
  });

  for (const decision of ['approve', 'reject'] as const) {
    app.post(`/admin/prompts/:name/subscriptions/:tenant/${decision}`, async (context) => {
      const latest = ownedVersion(context);
      const tenant = context.req.param('tenant');
      const subscription = await context.get('gateway').prompts.subscriptions.decide(latest.definition.name, tenant, decision === 'approve');
      if (!subscription) {
        throw new GatewayError(404, `Tenant \`${tenant}\` has not asked to use \`${latest.definition.name}\`.`, { code: 'subscription_not_found', param: 'tenant' });
      }
      return context.json({ name: subscription.name, tenant: subscription.tenantId, status: subscription.status });
    });
  }
}

/** The prompt (or one version) named in the path, if the caller owns it or is an admin. */
function ownedVersion(context: Context<GatewayEnv>, versionNumber?: number): PromptVersion {
  const { library } = context.get('gateway').prompts;
  const name = context.req.param('name') ?? '';
  const version = versionNumber === undefined ? library.latest(name) : library.version(name, versionNumber);
  if (!version) throw new GatewayError(404, `No prompt \`${name}\`${versionNumber === undefined ? '' : ` version ${versionNumber}`}.`, { code: 'prompt_not_found', param: 'name' });
  assertOwner(context.get('caller'), version);
  return version;
}

function assertOwner(caller: Caller, version: PromptVersion): void {
  if (caller.kind === 'operator') return;
  if (version.definition.owner !== caller.tenant.id) {
    throw new GatewayError(403, `The prompt \`${version.definition.name}\` belongs to another owner.`, { type: 'permission_error', code: 'prompt_owned_by_another' });
  }
}
