/**
 * @module models/model-registry
 * Resolves the `model` a client names to a provider adapter and the provider's own model name:
 * first the configured public names, then `provider/model` for providers whose `directModels`
 * allows it. Unknown names get OpenAI's 404 `model_not_found`.
 */
import type { TollgateConfig } from '../../schemas/config.js';
import type { ModelObject } from '../../schemas/openai-models.js';
import type { ProviderAdapter } from '../../providers/types.js';
import { GatewayError } from '../errors/gateway-error.js';
import type { GatewayObserver } from '../observability/observer.js';
import type { PricedDeployment } from '../metering/types.js';
import type { TargetSnapshot } from '../router/index.js';
import { createModelGroup, deploymentsOf, pricedDeployment, type ModelGroup } from './model-group.js';

export interface ResolvedModel {
  /** The name the client used. */
  publicName: string;
  /** The first deployment: what the call is reserved and admitted against before routing picks one. */
  providerName: string;
  provider: ProviderAdapter;
  upstreamModel: string;
  /** A configured public model's deployments and fallbacks; absent for a direct `provider/model`. */
  group?: ModelGroup;
  /**
   * Every deployment that may serve a call to a group, as priced: its own, its fallbacks' and its
   * contextFallback's. The quota reservation takes the dearest (the router picks after it).
   */
  servableBy?: PricedDeployment[];
}

export class ModelRegistry {
  private readonly aliases = new Map<string, ResolvedModel>();
  private readonly createdAt = Math.floor(Date.now() / 1000);

  constructor(
    private readonly config: TollgateConfig,
    private readonly providers: ReadonlyMap<string, ProviderAdapter>,
    observe?: Pick<GatewayObserver, 'retry' | 'breakerState'>,
  ) {
    for (const [publicName, model] of Object.entries(config.models)) {
      const group = createModelGroup(publicName, model, (name) => this.providerNamed(name), observe);
      const first = group.deployments[0];
      this.aliases.set(publicName, { publicName, providerName: first.providerName, provider: first.provider, upstreamModel: first.upstreamModel, group });
    }
    for (const alias of this.aliases.values()) alias.servableBy = this.servableBy(alias.group!);
  }

  /** The group of a configured public model (a fallback), or undefined. */
  group(name: string): ModelGroup | undefined {
    return this.aliases.get(name)?.group;
  }

  /** The deployments of the group and of every model routing may fall back to from it (see route-chat.ts: fallbacks, then contextFallback). */
  private servableBy(group: ModelGroup): PricedDeployment[] {
    const names = [group.publicName, ...group.fallbacks, ...(group.contextFallback ? [group.contextFallback] : [])];
    const groups = names.map((name) => this.group(name)).filter((named): named is ModelGroup => named !== undefined);
    return groups.flatMap((named) => named.deployments.map((deployment) => pricedDeployment(named.publicName, deployment)));
  }

  /** Each configured group's balancing, retry budget and deployments, for `/admin/targets`. */
  snapshot(): Array<{ model: string; balance: string; retryBudget: { requests: number; retries: number }; targets: TargetSnapshot[] }> {
    return Object.entries(this.config.models).map(([name, model]) => {
      const group = this.group(name)!;
      return { model: name, balance: model.balance, retryBudget: group.pool.budgetWindow(), targets: group.pool.snapshot() };
    });
  }

  /** Stops the groups' timers (health probes). */
  close(): void {
    for (const alias of this.aliases.values()) alias.group?.pool.close();
  }

  resolve(name: string): ResolvedModel {
    const alias = this.aliases.get(name);
    if (alias) return alias;
    const direct = this.resolveDirect(name);
    if (direct) return direct;
    throw new GatewayError(404, `The model \`${name}\` does not exist or you do not have access to it.`, {
      type: 'invalid_request_error',
      param: 'model',
      code: 'model_not_found',
    });
  }

  list(): ModelObject[] {
    const models: ModelObject[] = [];
    for (const [publicName, model] of Object.entries(this.config.models)) {
      models.push(this.modelObject(publicName, model.ownedBy ?? deploymentsOf(model)[0].provider));
    }
    for (const [providerName, provider] of Object.entries(this.config.providers)) {
      if (!Array.isArray(provider.directModels)) continue;
      for (const upstreamModel of provider.directModels) {
        models.push(this.modelObject(`${providerName}/${upstreamModel}`, providerName));
      }
    }
    return models;
  }

  find(name: string): ModelObject | undefined {
    return this.list().find((model) => model.id === name);
  }

  private resolveDirect(name: string): ResolvedModel | undefined {
    const slash = name.indexOf('/');
    if (slash <= 0 || slash === name.length - 1) return undefined;
    const providerName = name.slice(0, slash);
    const upstreamModel = name.slice(slash + 1);
    const allowed = this.config.providers[providerName]?.directModels;
    if (allowed !== true && !(Array.isArray(allowed) && allowed.includes(upstreamModel))) return undefined;
    return { publicName: name, providerName, provider: this.providerNamed(providerName), upstreamModel };
  }

  private providerNamed(name: string): ProviderAdapter {
    const provider = this.providers.get(name);
    if (!provider) throw new Error(`provider ${name} was not created`);
    return provider;
  }

  private modelObject(id: string, ownedBy: string): ModelObject {
    return { id, object: 'model', created: this.createdAt, owned_by: ownedBy };
  }
}
