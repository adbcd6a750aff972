/**
 * @module cache/cache-stats
 * Hits and misses of this process's cache lookups, per model (chat answers) and per service (REST
 * GET answers), for `GET /admin/cache`. Counted in process: with several gateways, each reports
 * its own lookups. Names come from the configuration, so the maps stay small.
 */
export interface CacheCounts {
  hits: number;
  misses: number;
}

export interface CacheRatio extends CacheCounts {
  name: string;
  /** hits / (hits + misses), 0 before any lookup. */
  hitRatio: number;
}

export class CacheStats {
  private readonly byModel = new Map<string, CacheCounts>();
  private readonly byService = new Map<string, CacheCounts>();

  model(name: string, hit: boolean): void {
    count(this.byModel, name, hit);
  }

  service(name: string, hit: boolean): void {
    count(this.byService, name, hit);
  }

  report(): { models: CacheRatio[]; services: CacheRatio[] } {
    return { models: ratios(this.byModel), services: ratios(this.byService) };
  }
}

function count(counts: Map<string, CacheCounts>, name: string, hit: boolean): void {
  let entry = counts.get(name);
  if (!entry) counts.set(name, (entry = { hits: 0, misses: 0 }));
  if (hit) entry.hits++;
  else entry.misses++;
}

function ratios(counts: Map<string, CacheCounts>): CacheRatio[] {
  return [...counts.entries()]
    .sort(([left], [right]) => left.localeCompare(right))
    .map(([name, { hits, misses }]) => ({ name, hits, misses, hitRatio: hits + misses === 0 ? 0 : hits / (hits + misses) }));
}
