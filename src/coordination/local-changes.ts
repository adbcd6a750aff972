/**
 * @module coordination/local-changes
 * The kinds of state a gateway caches in memory and must re-read when another instance changes
 * them, and a process-wide signal that this process just changed one. Writers call
 * `announceChange` after their write (the `keys` change counter does it for tenants and keys);
 * `change-notices.ts` forwards each announcement to the other instances over Redis.
 * No imports: storage, prompts and metering may all call it.
 */
export const changeKinds = ['keys', 'prices', 'prompts', 'subscriptions'] as const;

/** keys: tenants and API keys (revocation, quotas); prices; prompts: published versions; subscriptions: prompt access. */
export type ChangeKind = (typeof changeKinds)[number];

type Listener = (kind: ChangeKind) => void;
const listeners = new Set<Listener>();

/**
 * Says that this process changed state of `kind` in the database. Listeners hear of it once the
 * current synchronous work is done — so a call made inside a (synchronous) SQLite transaction is
 * heard after the commit, and no other instance is told before it can read the change.
 */
export function announceChange(kind: ChangeKind): void {
  queueMicrotask(() => {
    for (const listener of listeners) listener(kind);
  });
}

/** Calls `listener` on every announcement; returns the function that stops it. */
export function onLocalChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function isChangeKind(value: string): value is ChangeKind {
  return (changeKinds as readonly string[]).includes(value);
}
