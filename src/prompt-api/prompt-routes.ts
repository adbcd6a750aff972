/**
 * @module prompt-api/prompt-routes
 * Prompts as REST APIs: `GET /v1/prompts`, `GET /v1/prompts/{name}`, `POST /v1/prompts/{name}`
 * (latest version), `POST /v1/prompts/{name}/versions/{version}`, and
 * `POST /v1/prompts/{name}/subscription` to ask for access to another tenant's prompt.
 */
import type { Context, Hono } from 'hono';
import { callLabels } from '../calls/call-labels.js';
import { GatewayError } from '../errors/gateway-error.js';
import type { PromptVersion } from '../prompts/types.js';
import type { GatewayEnv } from '../server/gateway-env.js';
import { readJsonBody } from '../server/read-request.js';
import { tenantCaller } from '../server/tenant-auth.js';
import { assertMayCall, mayCall } from './prompt-access.js';
import { promptDetails, promptSummary } from './present-prompt.js';
import { runPrompt } from './run-prompt.js';
import { clientSignal } from '../server/client-signal.js';
import { nodeOutgoing } from '../server/node-objects.js';

export function registerPromptRoutes(app: Hono<GatewayEnv>): void {
  app.get('/v1/prompts', (context) => {
    const caller = tenantCaller(context);
    const { library, subscriptions } = context.get('gateway').prompts;
    const data = library
      .names()
      .map((name) => library.latest(name)!)
      .filter((version) => mayCall(caller, version.definition, subscriptions))
      .map(promptSummary);
    return context.json({ object: 'list', data });
  });

  app.get('/v1/prompts/:name', (context) => {
    const { library, subscriptions } = context.get('gateway').prompts;
    const latest = latestOrThrow(context, context.req.param('name'));
    assertMayCall(tenantCaller(context), latest.definition, subscriptions);
    return context.json(promptDetails(library, latest));
  });

  app.post('/v1/prompts/:name', async (context) => call(context, latestOrThrow(context, context.req.param('name'))));

  app.post('/v1/prompts/:name/versions/:version', async (context) => {
    const name = context.req.param('name');
    latestOrThrow(context, name);
    const number = Number(context.req.param('version'));
    const version = Number.isInteger(number) ? context.get('gateway').prompts.library.version(name, number) : undefined;
    if (!version) {
      throw new GatewayError(404, `The prompt \`${name}\` has no version \`${context.req.param('version')}\`.`, { code: 'prompt_version_not_found', param: 'version' });
    }
    return call(context, version);
  });

  app.post('/v1/prompts/:name/subscription', async (context) => {
    const caller = tenantCaller(context);
    const { subscriptions } = context.get('gateway').prompts;
    const latest = latestOrThrow(context, context.req.param('name'));
    const { name } = latest.definition;
    if (mayCall(caller, latest.definition, subscriptions) && subscriptions.status(name, caller.tenant.id) !== 'approved') {
      return context.json({ name, tenant: caller.tenant.id, status: 'not_required' });
    }
    const subscription = await subscriptions.request(name, caller.tenant.id);
    return context.json({ name, tenant: caller.tenant.id, status: subscription.status }, subscription.status === 'approved' ? 200 : 202);
  });
}

async function call(context: Context<GatewayEnv>, version: PromptVersion): Promise<Response> {
  const caller = tenantCaller(context);
  const services = context.get('gateway');
  assertMayCall(caller, version.definition, services.prompts.subscriptions);
  const labels = callLabels(context);
  const body = await readJsonBody(context);
  const { variables, stream } = splitStreamFlag(version, body, context);
  return runPrompt(services, version, variables, { caller, requestId: context.get('requestId'), signal: clientSignal(context), stream, labels, cacheControl: context.req.header('cache-control'), requestHeader: (name) => context.req.header(name), outgoing: nodeOutgoing(context.env) });
}

/**
 * `"stream": true` in the body asks for a stream, unless the prompt has a variable called
 * `stream`; `Accept: text/event-stream` and `?stream=true` always do.
 */
function splitStreamFlag(version: PromptVersion, body: unknown, context: Context<GatewayEnv>): { variables: unknown; stream: boolean } {
  const stream = context.req.header('accept')?.includes('text/event-stream') === true || context.req.query('stream') === 'true';
  const properties = version.definition.input.properties as Record<string, unknown> | undefined;
  if (typeof body === 'object' && body !== null && !Array.isArray(body) && 'stream' in body && !(properties && 'stream' in properties)) {
    const { stream: flag, ...variables } = body as Record<string, unknown>;
    if (typeof flag !== 'boolean') throw new GatewayError(400, '`stream` must be true or false.', { param: 'stream', code: 'invalid_prompt_input' });
    return { variables, stream: stream || flag };
  }
  return { variables: body, stream };
}

function latestOrThrow(context: Context<GatewayEnv>, name: string): PromptVersion {
  const latest = context.get('gateway').prompts.library.latest(name);
  if (!latest) throw new GatewayError(404, `No prompt is called \`${name}\`.`, { code: 'prompt_not_found', param: 'name' });
  return latest;
}
