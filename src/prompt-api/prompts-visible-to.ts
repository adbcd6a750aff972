/**
 * @module prompt-api/prompts-visible-to
 * Which prompts `/openapi.json` describes: without a key, the public ones; with a tenant key, the
 * ones that tenant may call. A bad key is a 401, as anywhere else.
 */
import type { Context } from 'hono';
import { presentedKey } from '../auth/api-key.js';
import { authenticateTenant } from '../auth/authenticate.js';
import type { PromptVersion } from '../prompts/types.js';
import type { GatewayEnv } from '../server/gateway-env.js';
import { mayCall } from './prompt-access.js';

export function promptsVisibleTo(context: Context<GatewayEnv>): PromptVersion[] {
  const { keyStore, prompts } = context.get('gateway');
  const latest = prompts.library.names().map((name) => prompts.library.latest(name)!);
  const headers = { authorization: context.req.header('authorization'), apiKey: context.req.header('x-api-key') };
  if (!presentedKey(headers.authorization, headers.apiKey)) return latest.filter((version) => version.definition.visibility === 'public');
  const caller = authenticateTenant(keyStore, headers);
  return latest.filter((version) => mayCall(caller, version.definition, prompts.subscriptions));
}
