/**
 * @module providers/openai/errors
 * Reads an OpenAI-shaped error body (`{"error": {message, type, code, param}}`; some compatible
 * servers send `{"error": "text"}` or `{"detail": ...}`) and hands it to the shared status mapping.
 */
import type { GatewayError } from '../../src/errors/gateway-error.js';
import { upstreamHttpError } from '../shared/upstream-errors.js';

interface OpenAIErrorPayload {
  error?: string | { message?: string; type?: string; code?: string | number | null; param?: string | null };
  detail?: unknown;
  message?: string;
}

export function openAIHttpError(provider: string, status: number, bodyText: string, retryAfter: string | null): GatewayError {
  const payload = parseQuietly(bodyText);
  const error = payload?.error;
  const message =
    typeof error === 'string'
      ? error
      : (stringOr(error?.message) ?? stringOr(payload?.message) ?? stringOr(payload?.detail) ?? (payload ? '' : bodyText));
  const code = typeof error === 'object' && error?.code != null ? String(error.code) : (typeof error === 'object' ? stringOr(error?.type) : undefined);
  const param = typeof error === 'object' ? stringOr(error?.param) : undefined;
  return upstreamHttpError({ provider, status, message, code, param, retryAfter });
}

/** Only strings are read from an error body: an object where a message should be is not repeated. */
function stringOr(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function parseQuietly(text: string): OpenAIErrorPayload | undefined {
  try {
    const parsed = JSON.parse(text);
    return parsed && typeof parsed === 'object' ? parsed : undefined;
  } catch {
    return undefined;
  }
}
