/**
 * bench/lib/cache-hit-scenario.ts — the cache-hit scenario: the same small chat request over and
 * over to a model with the response cache on, so after the sanity check's first call (a miss that
 * fills the cache) every request is a hit — authentication, quotas, the cache lookup and a ledger
 * row, but no upstream call. The direct and plain-proxy rows send what a miss would send upstream
 * (the plain chat request), so the ratios say what a hit costs against forwarding the call.
 */
export const cacheHitModel = 'bench-cached';

/** The model entry: the fake-backed OpenAI model with the cache on for it alone. */
export function cacheHitModelConfig(price: Record<string, number>) {
  return { [cacheHitModel]: { provider: 'fake-openai', model: 'bench-upstream', price, cache: true } };
}

export const cacheHitTitle = 'Chat answered from the response cache';
