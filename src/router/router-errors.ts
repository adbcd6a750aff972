/**
 * @module router/router-errors
 * Why a pool could not serve a request. The caller maps `code` to its protocol: a REST caller
 * answers 503 for `no_target`, 502 for `failed`, 504 for `timeout`; a model group may rethrow
 * `cause` (the last attempt's own error) or fall back to the next model.
 */
export type RouterErrorCode = 'no_target' | 'failed' | 'timeout' | 'aborted';

export class RouterError extends Error {
  constructor(
    readonly code: RouterErrorCode,
    message: string,
    readonly attempts: number,
    /** The target of the last attempt, or null when none was tried. */
    readonly targetId: string | null,
    /** The last verdict's reason (`upstream_timeout`, `connect_failed`...). */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RouterError';
  }
}

export type DeadlinePhase = 'first_byte' | 'total' | 'idle';

/** The abort reason of an attempt's signal when one of the router's timers fired. */
export class DeadlineError extends Error {
  constructor(readonly phase: DeadlinePhase, readonly limitMs: number) {
    super(`no ${phase.replace('_', ' ')} within ${limitMs} ms`);
    this.name = 'DeadlineError';
  }
}
