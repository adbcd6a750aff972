/**
 * @module openapi/deep-freeze
 * Freezes a cached part of the document all the way down. Documents built for different requests
 * share these parts; a caller that tried to change one would otherwise change every later answer.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  for (const child of Object.values(value)) deepFreeze(child);
  return Object.freeze(value);
}
