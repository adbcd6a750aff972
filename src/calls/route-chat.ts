/**
 * @module calls/route-chat
 * A chat call's way through its model group: the router's pool picks a deployment, retries
 * another on a 429, 5xx, timeout or lost connection (before anything reached the client), then
 * the group's `fallbacks` are tried in order; a context-length error goes to `contextFallback`;
 * any other client error (400) is the answer at once. The metered call learns who served
 * (ledger row, price, `x-tollgate-*` headers) and how many attempts it took.
 *
 * A stream is routed until the upstream accepted it; once parts flow to the client it is never
 * retried, and a failure in it counts against its deployment.
 */
import type { ChatStreamPart } from '../../providers/types.js';
import { GatewayError } from '../errors/gateway-error.js';
import { toGatewayError } from '../errors/render-error.js';
import { pricedDeployment, type Deployment, type ModelGroup } from '../models/model-group.js';
import type { ModelRegistry, ResolvedModel } from '../models/model-registry.js';
import type { GatewayObserver } from '../observability/observer.js';
import { parseRetryAfter, RouterError, type RunResult, type Verdict } from '../router/index.js';
import type { MeteredCall, ServedBy } from './metered-call.js';

export interface RouteContext {
  models: ModelRegistry;
  target: ResolvedModel;
  metered: MeteredCall;
  /** The client's abort. */
  signal: AbortSignal;
  observe?: Pick<GatewayObserver, 'fallback'>;
  /** Reads a client request header, for a group balanced by `hash:<header>`. */
  requestHeader?: (name: string) => string | undefined;
}

/** One upstream attempt on a deployment, with the attempt's own signal (timeouts, the client leaving). */
export type Attempt<R> = (deployment: Deployment, signal: AbortSignal) => Promise<R>;

export async function routeChat<R>(context: RouteContext, attempt: Attempt<R>): Promise<RunResult<Deployment, R> | { value: R; finish(): void; activity(): void }> {
  const { target, metered } = context;
  if (!target.group) {
    // A direct `provider/model`: one deployment, one attempt, no pool.
    const deployment: Deployment = { providerName: target.providerName, provider: target.provider, upstreamModel: target.upstreamModel, id: `${target.providerName}/${target.upstreamModel}` };
    metered.servedBy(servedBy(target.publicName, deployment), 1);
    return { value: await attempt(deployment, context.signal), finish: () => undefined, activity: () => undefined };
  }
  const chain: ModelGroup[] = [target.group, ...groupsNamed(context.models, target.group.fallbacks)];
  let attempts = 0;
  let contextFallbackTried = false;
  for (let index = 0; index < chain.length; index++) {
    const group = chain[index];
    try {
      const hashKey = group.hashHeader === undefined ? undefined : context.requestHeader?.(group.hashHeader);
      const served = await group.pool.run({ retryable: true, signal: context.signal, judgeError: verdictOf, hashKey }, async (ctx) => {
        const value = await attempt(ctx.target.value, ctx.signal);
        ctx.firstByte();
        return value;
      });
      attempts += served.attempts;
      metered.servedBy(servedBy(group.publicName, served.target.value), attempts);
      return served;
    } catch (error) {
      attempts += error instanceof RouterError ? error.attempts : 1;
      metered.attempted(attempts);
      const failure = gatewayErrorOf(error);
      const next = nextGroup(context, failure, contextFallbackTried);
      if (next === 'context') {
        contextFallbackTried = true;
        const contextGroup = context.models.group(target.group.contextFallback!);
        if (!contextGroup) throw failure;
        chain.splice(index + 1, chain.length, contextGroup);
      } else if (!next || index === chain.length - 1) {
        throw failure;
      }
      context.observe?.fallback({ model: target.publicName, from: group.publicName, to: chain[index + 1].publicName, reason: failure.code ?? String(failure.status) });
    }
  }
  throw new Error('unreachable: the chain always ends in a return or a throw');
}

/**
 * The parts of a routed stream: the deployment's idle timer restarted by each, its slot released at
 * the end. An iterator of its own rather than an async generator: a generator around the stream
 * adds its own promises and a resumption to every part the client receives.
 */
export function routedParts(parts: AsyncIterable<ChatStreamPart>, served: { finish(failure?: { reason: string; blameTarget: boolean }): void; activity(): void }): AsyncIterable<ChatStreamPart> {
  return {
    [Symbol.asyncIterator]() {
      const inner = parts[Symbol.asyncIterator]();
      const broke = (error: unknown): never => {
        const failure = toGatewayError(error);
        // The client leaving is nobody's fault; anything else broke the deployment's stream.
        served.finish(failure.status === 499 ? undefined : { reason: failure.code ?? 'stream_broken', blameTarget: true });
        throw error;
      };
      return {
        next: () =>
          inner.next().then((result) => {
            if (result.done) served.finish();
            else served.activity();
            return result;
          }, broke),
        // The consumer stopped early (the client went away, or an encoder gave up): the stream is closed upstream too.
        return: async (value?: unknown) => {
          try {
            return (await inner.return?.(value)) ?? { done: true as const, value: undefined };
          } catch (error) {
            return broke(error);
          } finally {
            served.finish();
          }
        },
      };
    },
  };
}

/** 'context' for a context-length error while a `contextFallback` is left; true for 429, 5xx, timeouts and lost connections. */
function nextGroup(context: RouteContext, failure: GatewayError, contextFallbackTried: boolean): 'context' | boolean {
  if (failure.status === 499) return false;
  if (isContextLengthError(failure)) return context.target.group?.contextFallback !== undefined && !contextFallbackTried ? 'context' : false;
  return failure.status === 429 || failure.status >= 500;
}

/** OpenAI's `context_length_exceeded`, and the words Anthropic and Gemini use for the same 400. */
export function isContextLengthError(error: GatewayError): boolean {
  if (error.status !== 400 && error.status !== 413) return false;
  if (error.code === 'context_length_exceeded') return true;
  return /context (length|window)|maximum context|prompt is too long|too many (input )?tokens|exceeds the maximum number of tokens/i.test(error.message);
}

function verdictOf(error: unknown): Verdict {
  if (!(error instanceof GatewayError)) return { ok: false, reason: 'connect_failed', retryable: true, blameTarget: true };
  if (error.status === 429) {
    return { ok: false, reason: 'rate_limited', retryable: true, blameTarget: false, retryAfterMs: parseRetryAfter(error.headers['retry-after'], Date.now()) };
  }
  if (error.status >= 500) return { ok: false, reason: error.code ?? 'upstream_error', retryable: true, blameTarget: true };
  return { ok: false, reason: error.code ?? 'client_error', retryable: false, blameTarget: false };
}

/** What the client sees when a group gave up: the last deployment's own error, or the router's reason. */
function gatewayErrorOf(error: unknown): GatewayError {
  if (!(error instanceof RouterError)) return toGatewayError(error);
  switch (error.code) {
    case 'timeout':
      return new GatewayError(504, `No deployment answered in time (${error.reason}).`, { type: 'timeout_error', code: 'upstream_timeout' });
    case 'no_target':
      return new GatewayError(503, 'Every deployment of this model is unavailable (unhealthy, ejected or its circuit open); try again shortly.', {
        type: 'upstream_error',
        code: 'no_healthy_deployment',
      });
    case 'aborted':
      return new GatewayError(499, 'The client closed the connection.', { code: 'client_closed_request' });
    case 'failed':
      return error.cause instanceof GatewayError ? error.cause : new GatewayError(502, 'Every attempt upstream failed.', { type: 'upstream_error', code: 'upstream_error' });
    default: {
      const unknownCode: never = error.code;
      throw new Error(`unknown router error ${String(unknownCode)}`);
    }
  }
}

function groupsNamed(models: ModelRegistry, names: string[]): ModelGroup[] {
  return names.map((name) => models.group(name)).filter((group): group is ModelGroup => group !== undefined);
}

/** `publicName`: the model whose group served (a fallback is priced as itself, not as the model the client named). */
function servedBy(publicName: string, deployment: Deployment): ServedBy {
  return { providerName: deployment.providerName, providerType: deployment.provider.type, upstreamModel: deployment.upstreamModel, target: deployment.id, pricedAs: pricedDeployment(publicName, deployment) };
}
