/**
 * @module server/gateway-env
 * The typed context every route sees: the request id and the gateway's shared services.
 */
import type { TollgateConfig } from '../../schemas/config.js';
import type { ModelRegistry } from '../models/model-registry.js';

export interface Lifecycle {
  ready: boolean;
}

export interface GatewayServices {
  config: TollgateConfig;
  models: ModelRegistry;
  lifecycle: Lifecycle;
}

export interface GatewayEnv {
  Variables: {
    requestId: string;
    gateway: GatewayServices;
  };
}
