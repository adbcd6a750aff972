/**
 * @module schemas/openai-error
 * The one error body Tollgate ever answers with, the OpenAI shape, so that the official SDKs raise
 * their typed errors (`RateLimitError`, `NotFoundError`...) for failures that happen here too.
 */
export type OpenAIErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'rate_limit_error'
  | 'insufficient_quota'
  | 'api_error'
  | 'upstream_error'
  | 'timeout_error'
  | 'server_error';

export interface OpenAIErrorBody {
  error: {
    message: string;
    type: OpenAIErrorType | string;
    param: string | null;
    code: string | null;
  };
}
