/**
 * @module test/helpers/change-in-force
 * What a test may expect right after another process (the CLI, a second gateway) changed tenants,
 * keys, prices or prompts. On one SQLite file the change is in force for the very next request (the
 * key store checks the file's change counter before each). On PostgreSQL nothing is queried on the
 * request path: instances see the change when they poll `change_counters` (every second) or hear a
 * Redis notice — so in the `postgres` pass the probe is repeated until the change shows.
 */
import { testStorage } from './test-storage.js';
import { waitFor } from './wait-for.js';

export async function afterChange<T>(probe: () => Promise<T>, accept: (value: T) => boolean): Promise<T> {
  if (testStorage === 'sqlite') return probe();
  return waitFor(probe, accept);
}
