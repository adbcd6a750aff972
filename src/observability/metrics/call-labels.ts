/**
 * @module observability/metrics/call-labels
 * The label values of per-call metrics, each bounded by the configuration and never by what a
 * caller sends: a model label is a configured model name (or `provider/*` for a provider that lets
 * clients name any model), a tenant label is off unless configured and capped when on, the rest
 * come from Tollgate's own code (route kinds, provider names, status classes).
 */
import type { TollgateConfig } from '../../../schemas/config.js';

/** The label names every per-call metric carries, in this order. */
export const callLabelNames = [
  'route',
  'gen_ai_operation_name',
  'gen_ai_provider_name',
  'gen_ai_request_model',
  'provider',
  'service',
  'tenant',
  'status_class',
] as const;

/** `gen_ai.provider.name` well-known values (OpenTelemetry GenAI conventions) by provider type. */
const genAiProviderNames: Record<string, string> = {
  openai: 'openai',
  'azure-openai': 'azure.ai.openai',
  anthropic: 'anthropic',
  gemini: 'gcp.gemini',
  'openai-compatible': 'openai_compatible',
  mock: 'tollgate.mock',
};

/** `gen_ai.operation.name` for a route kind; '' for calls that are not model operations. */
export function operationName(routeKind: string): string {
  switch (routeKind) {
    case 'chat':
    case 'prompt':
      return 'chat';
    case 'embeddings':
      return 'embeddings';
    default:
      return routeKind.startsWith('chat') ? 'chat' : '';
  }
}

export function genAiProviderName(providerType: string | null): string {
  if (!providerType) return '';
  return genAiProviderNames[providerType] ?? providerType;
}

export function statusClass(status: number): string {
  if (status >= 500) return '5xx';
  if (status >= 400) return '4xx';
  if (status >= 300) return '3xx';
  return '2xx';
}

export class CallLabels {
  private readonly configuredModels: Set<string>;
  private readonly tenantsLabelled = new Set<string>();

  constructor(private readonly config: TollgateConfig) {
    this.configuredModels = new Set(Object.keys(config.models));
  }

  /** A configured name as is; `provider/*` for a model a client named through `directModels: true`. */
  model(publicModel: string | null, providerName: string | null): string {
    if (publicModel === null) return '';
    if (this.configuredModels.has(publicModel)) return publicModel;
    const direct = providerName ? this.config.providers[providerName]?.directModels : undefined;
    // A listed direct model is bounded by the list; the registry resolved nothing else.
    if (Array.isArray(direct)) return publicModel;
    return providerName ? `${providerName}/*` : '';
  }

  tenant(tenantId: string | null): string {
    const setting = this.config.metrics.tenantLabel;
    if (setting === false || tenantId === null) return '';
    if (Array.isArray(setting)) return setting.includes(tenantId) ? tenantId : 'other';
    if (this.tenantsLabelled.has(tenantId)) return tenantId;
    if (this.tenantsLabelled.size >= this.config.metrics.maxTenants) return 'other';
    this.tenantsLabelled.add(tenantId);
    return tenantId;
  }
}
