/**
 * @module prompt-api/publish-prompt
 * `POST /admin/prompts`: a new immutable version of a prompt, stored in the database. The same
 * name gets the next version number. A tenant publisher owns what it publishes and may only add
 * versions to its own prompts; an admin may name any owner (or none, for an operator prompt).
 */
import { sql } from 'drizzle-orm';
import { maxPromptVersion, type PromptDefinition } from '../../schemas/prompt-file.js';
import type { Caller } from '../auth/authenticate.js';
import { GatewayError } from '../errors/gateway-error.js';
import { checkPromptDefinition } from '../prompts/check-definition.js';
import type { PromptCatalog } from '../prompts/types.js';
import { unknownModelProblem, type ModelConfigView } from '../models/known-models.js';
import type { TollgateDatabase } from '../storage/database.js';
import { promptVersions } from '../storage/schema.js';
import { writeTransaction } from '../storage/write-transaction.js';

export interface PublishContext {
  database: TollgateDatabase;
  catalog: PromptCatalog;
  /** The served models, which a published prompt's `model` must name. */
  config: ModelConfigView;
}

export function publishPrompt(context: PublishContext, caller: Caller, body: unknown): PromptDefinition {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new GatewayError(400, 'The body must be a prompt definition (a JSON object).', { code: 'invalid_prompt' });
  }
  const raw = body as Record<string, unknown>;
  if (raw.version !== undefined) {
    throw new GatewayError(400, 'Do not send `version`: publishing assigns the next version number.', { code: 'invalid_prompt', param: 'version' });
  }
  const owner = ownerFor(caller, raw.owner);
  const name = typeof raw.name === 'string' ? raw.name : '';
  const existing = context.catalog.latest(name);
  if (existing && caller.kind === 'tenant' && existing.definition.owner !== owner) {
    throw new GatewayError(403, `The prompt \`${name}\` belongs to another owner; only they or an admin may publish new versions.`, {
      type: 'permission_error',
      code: 'prompt_owned_by_another',
      param: 'name',
    });
  }
  const check = checkPromptDefinition({ ...raw, version: 1, owner, deprecated: false }, { modelProblem: (model) => unknownModelProblem(context.config, model) });
  if (!check.ok) {
    throw new GatewayError(400, `Invalid prompt: ${check.problems.join('; ')}`, { code: 'invalid_prompt', param: firstParam(check.problems) });
  }
  // Read the highest version and insert the next under one write lock (see write-transaction.ts).
  return writeTransaction(context.database, (transaction) => {
    const stored = transaction
      .select({ highest: sql<number | null>`max(${promptVersions.version})` })
      .from(promptVersions)
      .where(sql`${promptVersions.name} = ${name}`)
      .get();
    const highestFile = Math.max(0, ...context.catalog.versions(name).map((version) => version.definition.version));
    const definition = { ...check.definition, version: Math.max(stored?.highest ?? 0, highestFile) + 1 };
    if (definition.version > maxPromptVersion) {
      throw new GatewayError(409, `The prompt \`${name}\` has reached the highest version number (${maxPromptVersion}); publish it under a new name.`, { code: 'prompt_versions_exhausted', param: 'name' });
    }
    transaction
      .insert(promptVersions)
      .values({ name, version: definition.version, definition, ownerTenantId: owner ?? null, deprecatedAt: null, createdAt: Date.now() })
      .run();
    return definition;
  });
}

/** Tenants always own what they publish; an admin may name an owner tenant, or none. */
function ownerFor(caller: Caller, requested: unknown): string | undefined {
  if (caller.kind === 'tenant') {
    if (requested !== undefined && requested !== caller.tenant.id) {
      throw new GatewayError(403, 'A tenant key publishes prompts for its own tenant only.', { type: 'permission_error', code: 'insufficient_role', param: 'owner' });
    }
    return caller.tenant.id;
  }
  if (requested === undefined || requested === null) return undefined;
  if (typeof requested !== 'string') throw new GatewayError(400, '`owner` must be a tenant id.', { code: 'invalid_prompt', param: 'owner' });
  return requested;
}

function firstParam(problems: string[]): string | null {
  const match = /^([^:\s]+):/.exec(problems[0] ?? '');
  return match ? match[1] : null;
}
