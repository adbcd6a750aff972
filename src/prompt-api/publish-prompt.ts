/**
 * @module prompt-api/publish-prompt
 * `POST /admin/prompts`: a new immutable version of a prompt, stored in the database. The same
 * name gets the next version number. A tenant publisher owns what it publishes and may only add
 * versions to its own prompts; an admin may name any owner (or none, for an operator prompt).
 */
import { and, eq, sql } from 'drizzle-orm';
import { maxPromptVersion, type PromptDefinition } from '../../schemas/prompt-file.js';
import type { Caller } from '../auth/authenticate.js';
import { GatewayError } from '../errors/gateway-error.js';
import { checkPromptDefinition } from '../prompts/check-definition.js';
import type { PromptCatalog } from '../prompts/types.js';
import { unknownModelProblem, type ModelConfigView } from '../models/known-models.js';
import type { TollgateDatabase } from '../storage/database.js';
import { promptVersions } from '../storage/schema.js';
import { bumpPgChange } from '../storage/pg/pg-change-counters.js';
import type { PostgresDatabase } from '../storage/pg/postgres-database.js';
import { promptVersions as pgPromptVersions } from '../storage/pg/schema.js';
import { writeTransaction } from '../storage/write-transaction.js';

export interface PublishContext {
  database: TollgateDatabase;
  /** With `storage.postgres`, versions are stored there (and the answer is a promise). */
  postgres?: PostgresDatabase;
  catalog: PromptCatalog;
  /** The served models, which a published prompt's `model` must name. */
  config: ModelConfigView;
}

export function publishPrompt(context: PublishContext & { postgres?: undefined }, caller: Caller, body: unknown): PromptDefinition;
export function publishPrompt(context: PublishContext, caller: Caller, body: unknown): PromptDefinition | Promise<PromptDefinition>;
export function publishPrompt(context: PublishContext, caller: Caller, body: unknown): PromptDefinition | Promise<PromptDefinition> {
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
  // Called inside the write transaction: the files' versions are read under the same lock.
  const next = (highestStored: number | null | undefined) => {
    const highestFile = Math.max(0, ...context.catalog.versions(name).map((version) => version.definition.version));
    const definition = { ...check.definition, version: Math.max(highestStored ?? 0, highestFile) + 1 };
    if (definition.version > maxPromptVersion) {
      throw new GatewayError(409, `The prompt \`${name}\` has reached the highest version number (${maxPromptVersion}); publish it under a new name.`, { code: 'prompt_versions_exhausted', param: 'name' });
    }
    return { row: { name, version: definition.version, definition, ownerTenantId: owner ?? null, deprecatedAt: null, createdAt: Date.now() }, definition };
  };
  if (context.postgres) return publishIntoPostgres(context.postgres, name, next);
  // Read the highest version and insert the next under one write lock (see write-transaction.ts).
  return writeTransaction(context.database, (transaction) => {
    const stored = transaction
      .select({ highest: sql<number | null>`max(${promptVersions.version})` })
      .from(promptVersions)
      .where(sql`${promptVersions.name} = ${name}`)
      .get();
    const { row, definition } = next(stored?.highest);
    transaction.insert(promptVersions).values(row).run();
    return definition;
  });
}

/**
 * The same on PostgreSQL: instances publishing the same name at once take turns (a transaction
 * lock on the name), so each gets its own version number; the `prompts` change counter moves in
 * the same transaction.
 */
async function publishIntoPostgres(
  database: PostgresDatabase,
  name: string,
  next: (highestStored: number | null | undefined) => { row: typeof pgPromptVersions.$inferInsert; definition: PromptDefinition },
): Promise<PromptDefinition> {
  return database.transaction(async (transaction) => {
    await transaction.execute(sql`select pg_advisory_xact_lock(hashtext(${`prompt:${name}`}))`);
    const [stored] = await transaction
      .select({ highest: sql<number | null>`max(${pgPromptVersions.version})` })
      .from(pgPromptVersions)
      .where(sql`${pgPromptVersions.name} = ${name}`);
    const { row, definition } = next(stored?.highest);
    await transaction.insert(pgPromptVersions).values(row);
    await bumpPgChange(transaction, 'prompts');
    return definition;
  });
}

/** Marks a published version deprecated (its first deprecation time stays). */
export async function deprecatePromptVersion(context: Pick<PublishContext, 'database' | 'postgres'>, name: string, version: number, at: number): Promise<void> {
  if (!context.postgres) {
    context.database.update(promptVersions).set({ deprecatedAt: at }).where(and(eq(promptVersions.name, name), eq(promptVersions.version, version))).run();
    return;
  }
  await context.postgres.transaction(async (transaction) => {
    await transaction.update(pgPromptVersions).set({ deprecatedAt: at }).where(and(eq(pgPromptVersions.name, name), eq(pgPromptVersions.version, version)));
    await bumpPgChange(transaction, 'prompts');
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
