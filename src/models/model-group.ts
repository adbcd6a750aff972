/**
 * @module models/model-group
 * A public model as a group of deployments (providers, keys, regions) behind the router's one
 * `TargetPool` (src/router/): balancing, breakers, ejection, retries with their budget and
 * timeouts come from there, never from here. A plain `{ provider, model }` is a group of one.
 * Each deployment may carry its own configured price, registered in the price book under
 * `deploymentPriceKey` so a call is priced as the deployment that served it.
 */
import type { DeploymentConfig, ModelConfig } from '../../schemas/config.js';
import type { ProviderAdapter } from '../../providers/types.js';
import type { GatewayObserver } from '../observability/observer.js';
import type { PricedDeployment } from '../metering/types.js';
import { parseBalance, TargetPool } from '../router/index.js';

export interface Deployment {
  providerName: string;
  provider: ProviderAdapter;
  upstreamModel: string;
  /** `provider/model`: the router's target id, the ledger's `target`. */
  id: string;
  /** The price book's name for this deployment's own configured price, when it has one. */
  priceKey?: string;
}

export interface ModelGroup {
  publicName: string;
  deployments: Deployment[];
  pool: TargetPool<Deployment>;
  fallbacks: string[];
  contextFallback?: string;
  /** For `balance: hash:<header>`: the request header whose value keeps a caller on one deployment. */
  hashHeader?: string;
}

/** How the price book finds a deployment's price when it serves `publicName`'s calls. */
export function pricedDeployment(publicName: string, deployment: Deployment): PricedDeployment {
  return { publicModel: publicName, providerType: deployment.provider.type, upstreamModel: deployment.upstreamModel, deploymentPriceKey: deployment.priceKey };
}

/** The deployments a model configuration names: its list, or its one `{ provider, model }`. */
export function deploymentsOf(model: ModelConfig): DeploymentConfig[] {
  return model.deployments ?? [{ provider: model.provider!, model: model.model! }];
}

export function deploymentPriceKey(publicName: string, index: number): string {
  return `${publicName}#deployment-${index}`;
}

export function createModelGroup(
  publicName: string,
  model: ModelConfig,
  providerNamed: (name: string) => ProviderAdapter,
  observe?: Pick<GatewayObserver, 'retry' | 'breakerState'>,
): ModelGroup {
  const seen = new Map<string, number>();
  const deployments = deploymentsOf(model).map((config, index): Deployment => {
    const base = `${config.provider}/${config.model}`;
    const repeats = seen.get(base) ?? 0;
    seen.set(base, repeats + 1);
    return {
      providerName: config.provider,
      provider: providerNamed(config.provider),
      upstreamModel: config.model,
      // The same provider and model twice (two keys of one account) still need two names.
      id: repeats === 0 ? base : `${base}#${repeats + 1}`,
      priceKey: config.price ? deploymentPriceKey(publicName, index) : undefined,
    };
  });
  const weights = deploymentsOf(model).map((config) => config.weight ?? 1);
  const balance = parseBalance(model.balance);
  const pool = new TargetPool<Deployment>({
    name: publicName,
    targets: deployments.map((deployment, index) => ({ id: deployment.id, weight: weights[index], value: deployment })),
    balance: balance.strategy,
    // By default every deployment is tried once before the call fails over to the fallbacks.
    retries: { attempts: model.retries?.attempts ?? deployments.length - 1 },
    timeouts: model.timeouts,
    // A group of one has nowhere else to send a call: ejecting its deployment or opening its
    // breaker would only turn the upstream's own errors into 503s (the plain `{ provider, model }`
    // of old keeps behaving as it did). Fallbacks still apply.
    ...(deployments.length === 1 ? { outlier: { consecutiveFailures: Number.MAX_SAFE_INTEGER }, breaker: { minRequests: Number.MAX_SAFE_INTEGER } } : {}),
    events: {
      retry: (event) => observe?.retry({ model: event.pool, target: event.target, reason: event.reason }),
      breakerState: (event) => observe?.breakerState({ model: event.pool, target: event.target, state: event.state }),
    },
  });
  return { publicName, deployments, pool, fallbacks: model.fallbacks ?? [], contextFallback: model.contextFallback, hashHeader: balance.hashHeader };
}

/** The configured prices the price book reads: each public model's, and each deployment's own under its key. */
export function configuredPrices(models: Record<string, ModelConfig>): Record<string, Pick<ModelConfig, 'price'>> {
  const prices: Record<string, Pick<ModelConfig, 'price'>> = { ...models };
  for (const [publicName, model] of Object.entries(models)) {
    deploymentsOf(model).forEach((deployment, index) => {
      if (deployment.price) prices[deploymentPriceKey(publicName, index)] = { price: deployment.price };
    });
  }
  return prices;
}
