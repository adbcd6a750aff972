/**
 * @module errors/gateway-error
 * The one error type thrown anywhere in Tollgate. It carries the HTTP status and the OpenAI error
 * fields; `renderError` turns it into the response. Providers throw it too (see each provider's
 * `errors.ts`), so an upstream failure reaches the client already mapped.
 */
import type { OpenAIErrorBody, OpenAIErrorType } from '../../schemas/openai-error.js';

export interface GatewayErrorOptions {
  type?: OpenAIErrorType | string;
  code?: string | null;
  param?: string | null;
  /** Response headers such as `Retry-After`. */
  headers?: Record<string, string>;
  cause?: unknown;
}

export class GatewayError extends Error {
  readonly status: number;
  readonly type: string;
  readonly code: string | null;
  readonly param: string | null;
  readonly headers: Record<string, string>;

  constructor(status: number, message: string, options: GatewayErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = 'GatewayError';
    this.status = status;
    this.type = options.type ?? defaultTypeFor(status);
    this.code = options.code ?? null;
    this.param = options.param ?? null;
    this.headers = options.headers ?? {};
  }

  toBody(): OpenAIErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

function defaultTypeFor(status: number): OpenAIErrorType {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status === 504) return 'timeout_error';
  if (status === 502 || status === 503) return 'upstream_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

export function badRequest(message: string, param: string | null = null, code: string | null = null): GatewayError {
  return new GatewayError(400, message, { param, code });
}

/** A feature the chosen provider cannot do: always a 400 naming the provider and the feature. */
export function unsupported(provider: string, feature: string, param: string | null = null): GatewayError {
  return new GatewayError(400, `${feature} is not supported by the ${provider} provider`, {
    param,
    code: 'unsupported_parameter',
  });
}
