/**
 * @module prompt-api/prompt-access
 * Who may call a prompt: its owner tenant; anyone when it is public; the tenants it is shared
 * with; and tenants whose subscription the owner approved. A key may narrow this further with its
 * `prompts` scope. A refusal says why, and how to ask for access.
 */
import type { PromptDefinition } from '../../schemas/prompt-file.js';
import type { TenantCaller } from '../auth/authenticate.js';
import { GatewayError } from '../errors/gateway-error.js';
import type { Subscriptions } from './subscriptions.js';

export function mayCall(caller: TenantCaller, definition: PromptDefinition, subscriptions: Subscriptions): boolean {
  return refusal(caller, definition, subscriptions) === undefined;
}

export function assertMayCall(caller: TenantCaller, definition: PromptDefinition, subscriptions: Subscriptions): void {
  const error = refusal(caller, definition, subscriptions);
  if (error) throw error;
}

function refusal(caller: TenantCaller, definition: PromptDefinition, subscriptions: Subscriptions): GatewayError | undefined {
  const { name } = definition;
  const keyPrompts = caller.key.scopes.prompts;
  if (keyPrompts && !keyPrompts.includes(name)) {
    return forbidden(`This API key may not use the prompt \`${name}\`.`, 'prompt_not_allowed');
  }
  const tenantId = caller.tenant.id;
  if (definition.visibility === 'public' || definition.owner === tenantId) return undefined;
  if (definition.visibility === 'shared' && definition.sharedWith.includes(tenantId)) return undefined;
  switch (subscriptions.status(name, tenantId)) {
    case 'approved':
      return undefined;
    case 'pending':
      return forbidden(`Your tenant's request to use the prompt \`${name}\` is waiting for its owner's approval.`, 'subscription_pending');
    case 'rejected':
      return forbidden(`The owner of the prompt \`${name}\` rejected your tenant's request to use it.`, 'subscription_rejected');
    default:
      return forbidden(
        `The prompt \`${name}\` is not shared with your tenant. Ask its owner for access with POST /v1/prompts/${name}/subscription.`,
        'prompt_not_shared',
      );
  }
}

function forbidden(message: string, code: string): GatewayError {
  return new GatewayError(403, message, { type: 'permission_error', code, param: 'name' });
}
