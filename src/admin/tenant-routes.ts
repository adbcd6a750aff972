/**
 * @module admin/tenant-routes
 * Tenants and their keys at runtime: `/admin/tenants`, `/admin/tenants/{id}/keys`, `/admin/keys`,
 * `/admin/operators`. A created key is shown once, in the response that creates it.
 */
import type { Hono } from 'hono';
import type { TollgateConfig } from '../../schemas/config.js';
import type { KeyDirectory as KeyStore } from '../auth/key-directory.js';
import { GatewayError } from '../errors/gateway-error.js';
import { assertKnownModels } from '../models/known-models.js';
import type { GatewayEnv } from '../server/gateway-env.js';
import { readJsonBody, validateBody } from '../server/read-request.js';
import { createKeySchema, createOperatorSchema, createTenantSchema, updateTenantSchema } from './admin-schemas.js';
import { presentKey, presentTenant } from './present.js';

function tenantOrThrow(store: KeyStore, id: string) {
  const tenant = store.tenant(id);
  if (!tenant) throw new GatewayError(404, `No tenant \`${id}\`.`, { code: 'tenant_not_found', param: 'id' });
  return tenant;
}

function parseExpiry(expiresAt: string | undefined): number | null {
  if (expiresAt === undefined) return null;
  const time = Date.parse(expiresAt);
  if (time <= Date.now()) throw new GatewayError(400, '`expiresAt` must be in the future.', { param: 'expiresAt', code: 'invalid_request_body' });
  return time;
}

/** Service names in a tenant or key must be configured services: a 400 naming the first that is not. */
function assertKnownServices(config: TollgateConfig, names: readonly string[] | null | undefined, param: string): void {
  const unknown = names?.find((name) => !(name in config.services));
  if (unknown === undefined) return;
  const known = Object.keys(config.services);
  throw new GatewayError(400, `No service \`${unknown}\` is configured; configured services: ${known.length > 0 ? known.join(', ') : 'none'}.`, {
    code: 'unknown_service',
    param,
  });
}

export function registerTenantRoutes(app: Hono<GatewayEnv>): void {
  app.get('/admin/tenants', (context) => context.json({ data: context.get('gateway').keyStore.listTenants().map(presentTenant) }));

  app.post('/admin/tenants', async (context) => {
    const input = validateBody(createTenantSchema, await readJsonBody(context));
    assertKnownModels(context.get('gateway').config, input.models, 'models');
    assertKnownServices(context.get('gateway').config, input.services, 'services');
    const store = context.get('gateway').keyStore;
    if (store.tenant(input.id)) throw new GatewayError(409, `Tenant \`${input.id}\` already exists.`, { code: 'tenant_exists', param: 'id' });
    return context.json(presentTenant(await store.createTenant(input)), 201);
  });

  app.get('/admin/tenants/:id', (context) => {
    const store = context.get('gateway').keyStore;
    const tenant = tenantOrThrow(store, context.req.param('id'));
    return context.json({ ...presentTenant(tenant), keys: store.listKeys(tenant.id).map((key) => presentKey(key)) });
  });

  app.patch('/admin/tenants/:id', async (context) => {
    const patch = validateBody(updateTenantSchema, await readJsonBody(context));
    assertKnownModels(context.get('gateway').config, patch.models, 'models');
    assertKnownServices(context.get('gateway').config, patch.services, 'services');
    const store = context.get('gateway').keyStore;
    tenantOrThrow(store, context.req.param('id'));
    return context.json(presentTenant((await store.updateTenant(context.req.param('id'), patch))!));
  });

  app.delete('/admin/tenants/:id', async (context) => {
    const store = context.get('gateway').keyStore;
    tenantOrThrow(store, context.req.param('id'));
    await store.deleteTenant(context.req.param('id'));
    return context.json({ id: context.req.param('id'), deleted: true });
  });

  app.post('/admin/tenants/:id/keys', async (context) => {
    const input = validateBody(createKeySchema, await readJsonBody(context));
    assertKnownModels(context.get('gateway').config, input.scopes?.models, 'scopes.models');
    assertKnownServices(context.get('gateway').config, input.scopes?.services, 'scopes.services');
    const store = context.get('gateway').keyStore;
    const tenant = tenantOrThrow(store, context.req.param('id'));
    const { record, key } = await store.createKey({ ...input, tenantId: tenant.id, expiresAt: parseExpiry(input.expiresAt) });
    return context.json({ ...presentKey(record), key }, 201);
  });

  app.get('/admin/tenants/:id/keys', (context) => {
    const store = context.get('gateway').keyStore;
    const tenant = tenantOrThrow(store, context.req.param('id'));
    return context.json({ data: store.listKeys(tenant.id).map((key) => presentKey(key)) });
  });

  app.get('/admin/keys', (context) => {
    const tenant = context.req.query('tenant');
    return context.json({ data: context.get('gateway').keyStore.listKeys(tenant).map((key) => presentKey(key)) });
  });

  const revoke = async (store: KeyStore, id: string) => {
    if (!store.key(id)) throw new GatewayError(404, `No key \`${id}\`.`, { code: 'key_not_found', param: 'id' });
    await store.revokeKey(id);
    return presentKey(store.key(id)!);
  };
  app.post('/admin/keys/:id/revoke', async (context) => context.json(await revoke(context.get('gateway').keyStore, context.req.param('id'))));
  app.delete('/admin/keys/:id', async (context) => context.json(await revoke(context.get('gateway').keyStore, context.req.param('id'))));

  app.post('/admin/operators', async (context) => {
    const input = validateBody(createOperatorSchema, await readJsonBody(context));
    const { record, key } = await context.get('gateway').keyStore.createKey({ tenantId: null, name: input.name, role: input.role });
    return context.json({ ...presentKey(record), key }, 201);
  });
}
