/**
 * @module router/balance-spec
 * Reads a configured `balance` (schemas/balance.ts) into the pool's strategy, and for
 * `hash:<header>` the (lower-cased) header whose value the caller passes as `hashKey`. REST
 * services and model groups both read it here, so the two can never spell a strategy differently.
 */
import type { BalanceStrategy } from './types.js';

export interface BalanceSpec {
  strategy: BalanceStrategy;
  /** For `hash:<header>`: the request header that keys the hash (lower case). */
  hashHeader?: string;
}

export function parseBalance(balance: string): BalanceSpec {
  if (balance.startsWith('hash:')) return { strategy: { kind: 'hash' }, hashHeader: balance.slice('hash:'.length).toLowerCase() };
  switch (balance) {
    case 'round-robin':
    case 'weighted':
    case 'least-inflight':
    case 'latency':
      return { strategy: { kind: balance } };
    default:
      throw new Error(`unknown balance ${balance}`);
  }
}
