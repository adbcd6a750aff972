/**
 * @module quotas/redis-scripts
 * The two Lua scripts of the Redis backend, and how their arguments are laid out. A script runs
 * atomically on the Redis server, so a reservation's check and its increments cannot interleave
 * with another gateway process's: no locks, no WATCH retries. Numbers cross as integer strings;
 * Lua holds them as doubles, exact up to 2^53, which is where the nano-dollar amounts stop anyway.
 */
import type { QuotaCounter, ReserveOutcome } from './types.js';

/**
 * KEYS: the n counter keys, then every counter's `countAlso` keys, in counter order.
 * ARGV: n, then for each counter: limit (-1 for none), amount, ttlMs, number of `countAlso` keys.
 * Returns {1, value1..valueN} after incrementing all, or {0, failedIndex (0-based), current1..currentN}
 * having changed nothing. TTLs are set only on keys that have none (i.e. were just created), so a
 * window's expiry stays fixed at its end however often it is incremented.
 */
export const reserveScript = `
local n = tonumber(ARGV[1])
local currents = {}
local failed = 0
local extra = n
for i = 1, n do
  local at = 2 + (i - 1) * 4
  local limit = tonumber(ARGV[at])
  local amount = tonumber(ARGV[at + 1])
  local current = tonumber(redis.call('GET', KEYS[i]) or '0')
  for _ = 1, tonumber(ARGV[at + 3]) do
    extra = extra + 1
    current = current + tonumber(redis.call('GET', KEYS[extra]) or '0')
  end
  currents[i] = current
  if failed == 0 and limit >= 0 and current + amount > limit then failed = i end
end
if failed > 0 then
  local refusal = {0, failed - 1}
  for i = 1, n do refusal[i + 2] = currents[i] end
  return refusal
end
local values = {1}
for i = 1, n do
  local at = 2 + (i - 1) * 4
  redis.call('INCRBY', KEYS[i], ARGV[at + 1])
  if redis.call('PTTL', KEYS[i]) == -1 then redis.call('PEXPIRE', KEYS[i], ARGV[at + 2]) end
  values[i + 1] = currents[i] + tonumber(ARGV[at + 1])
end
return values
`;

/**
 * KEYS: counters; ARGV: one delta each. A key that no longer exists is skipped: its window ended,
 * and INCRBY would recreate it with a negative value and no TTL, to haunt the keyspace forever.
 * A result below zero is clamped to zero (a negative counter would grant extra capacity).
 */
export const adjustScript = `
for i = 1, #KEYS do
  if redis.call('EXISTS', KEYS[i]) == 1 then
    local value = redis.call('INCRBY', KEYS[i], ARGV[i])
    if value < 0 then redis.call('INCRBY', KEYS[i], -value) end
  end
end
return 0
`;

/** The `numKeys, ...keys, ...args` list for `reserveScript`. */
export function reserveArguments(counters: QuotaCounter[], prefix: string): Array<string | number> {
  const keys = counters.map((counter) => prefix + counter.key);
  const extraKeys = counters.flatMap((counter) => (counter.countAlso ?? []).map((key) => prefix + key));
  const argv = counters.flatMap((counter) => [
    counter.limit ?? -1,
    counter.amount,
    Math.max(1, Math.ceil(counter.ttlMs)),
    counter.countAlso?.length ?? 0,
  ]);
  return [keys.length + extraKeys.length, ...keys, ...extraKeys, counters.length, ...argv];
}

export function parseReserveReply(reply: unknown, counterCount: number): ReserveOutcome {
  if (!Array.isArray(reply) || reply.length < 2) throw new Error(`unexpected reply from the quota reserve script: ${JSON.stringify(reply)}`);
  const numbers = reply.map(Number);
  if (numbers[0] === 1) return { ok: true, values: numbers.slice(1, 1 + counterCount) };
  const failedIndex = numbers[1];
  const values = numbers.slice(2, 2 + counterCount);
  return { ok: false, failedIndex, current: values[failedIndex], values };
}
