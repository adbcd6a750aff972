/**
 * @module admin/admin-schemas
 * Request bodies of the admin API. They reuse the configuration file's schemas, so a tenant or key
 * created at runtime obeys exactly the rules of one declared in the file.
 */
import { z } from 'zod';
import { quotaLimitsSchema, tenantSchema } from '../../schemas/config.js';

const tenantFields = tenantSchema.shape;

export const createTenantSchema = z.strictObject({
  id: z.string().regex(/^[a-zA-Z0-9_.-]{1,64}$/, 'tenant ids use letters, digits, _ . - (at most 64)'),
  quotas: quotaLimitsSchema.optional(),
  models: z.array(z.string().min(1)).nullable().optional(),
  services: z.array(z.string().min(1)).nullable().optional(),
  timeZone: tenantFields.timeZone.optional(),
  unpricedModels: z.enum(['reject', 'allow']).nullable().optional(),
});

export const updateTenantSchema = createTenantSchema.omit({ id: true });

const scopesSchema = z.strictObject({
  models: z.array(z.string().min(1)).optional(),
  prompts: z.array(z.string().min(1)).optional(),
  services: z.array(z.string().min(1)).optional(),
  permissions: z.array(z.string().min(1)).optional(),
});

export const createKeySchema = z.strictObject({
  name: z.string().min(1).max(100),
  scopes: scopesSchema.optional(),
  quotas: quotaLimitsSchema.optional(),
  /** ISO 8601 instant or date; must be in the future. */
  expiresAt: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
});

export const createOperatorSchema = z.strictObject({
  name: z.string().min(1).max(100),
  role: z.enum(['finance', 'admin']),
});
