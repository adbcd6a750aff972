/**
 * @module server/routes/images-and-moderations
 * `POST /v1/images/generations` (billed per image returned) and `POST /v1/moderations` (per
 * character of text checked) for providers with OpenAI's APIs: validated, then one metered unit
 * call; the upstream gets the client's body with `model` swapped, the client the upstream's answer.
 */
import type { Context, Hono } from 'hono';
import { imagesRequestSchema, moderationsRequestSchema } from '../../../schemas/openai-media.js';
import { nativeBody } from '../../../providers/shared/native-body.js';
import type { ForwardOperation } from '../../../providers/types.js';
import { costHeader } from '../../calls/metered-call.js';
import { beginUnitCall, type UnitCallOptions } from '../../calls/unit-call.js';
import { GatewayError } from '../../errors/gateway-error.js';
import { toGatewayError } from '../../errors/render-error.js';
import type { GatewayEnv } from '../gateway-env.js';
import { assertDepthWithin } from '../bounded-json.js';
import { readJsonBodyAndBytes, validateBody } from '../read-request.js';
import { tenantCaller } from '../tenant-auth.js';
import { clientSignal } from '../client-signal.js';

export function registerImagesAndModerations(app: Hono<GatewayEnv>): void {
  app.post('/v1/images/generations', async (context) => {
    const body = await readJsonBodyAndBytes(context);
    assertDepthWithin(body.value);
    const request = validateBody(imagesRequestSchema, body.value);
    const n = request.n ?? 1;
    return forwardJson(context, body.bytes, 'images/generations', { kind: 'images', model: request.model, unit: 'image', worstCaseUnits: n, feature: 'Image generation' }, (answer) => {
      const data = (answer as { data?: unknown }).data;
      return Array.isArray(data) ? data.length : n;
    });
  });

  app.post('/v1/moderations', async (context) => {
    const body = await readJsonBodyAndBytes(context);
    assertDepthWithin(body.value);
    const request = validateBody(moderationsRequestSchema, body.value);
    const characters = moderatedCharacters(request.input);
    return forwardJson(context, body.bytes, 'moderations', { kind: 'moderations', model: request.model, unit: 'character', worstCaseUnits: characters, feature: 'Moderation' }, () => characters);
  });
}

type UnitOptions = Pick<UnitCallOptions, 'kind' | 'model' | 'unit' | 'worstCaseUnits' | 'feature'>;

/** One metered unit call with a JSON answer: `units` reads how many units the answer holds. */
async function forwardJson(context: Context<GatewayEnv>, rawBody: Uint8Array, operation: ForwardOperation, options: UnitOptions, units: (answer: unknown) => number): Promise<Response> {
  const call = await beginUnitCall(context.get('gateway'), { ...options, caller: tenantCaller(context), requestId: context.get('requestId'), signal: clientSignal(context) });
  try {
    const result = await call.forward({ operation, body: nativeBody(rawBody, call.target.upstreamModel), contentType: 'application/json' });
    const text = await result.body.text();
    let answer: unknown;
    try {
      answer = JSON.parse(text);
    } catch {
      throw new GatewayError(502, `${call.target.providerName} answered with a body that is not JSON`, { type: 'upstream_error', code: 'upstream_invalid_response' });
    }
    const cost = call.complete(units(answer));
    return new Response(text, { headers: { 'content-type': 'application/json', ...call.metered.rateLimitHeaders, [costHeader]: cost } });
  } catch (error) {
    const gatewayError = toGatewayError(error);
    call.metered.fail(gatewayError);
    throw gatewayError;
  }
}

function moderatedCharacters(input: unknown): number {
  if (typeof input === 'string') return [...input].length;
  let count = 0;
  for (const item of input as Array<string | { type: string; text?: string }>) {
    if (typeof item === 'string') count += [...item].length;
    else if (item.type === 'text' && typeof item.text === 'string') count += [...item.text].length;
  }
  return count;
}
