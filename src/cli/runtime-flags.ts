/**
 * @module cli/runtime-flags
 * The V8 settings `tollgate serve` is meant to run with. They are command-line flags, so they live
 * where Node is started: the `tollgate` bin's shebang, `npm start`, the cluster primary (for its
 * workers) and the benchmark all take them from here, and a test checks the first two agree.
 *
 * Why these: under load a gateway allocates fast (about 50 KB per call: parsed bodies, headers,
 * promises) and keeps little, but calls in flight during two young-generation collections are
 * promoted to the old generation and die there. With V8's defaults the old generation then grows
 * to up to 4× what is really live before a full collection: ~90 MB of garbage under non-streamed
 * load, far more with 100 KB prompts.
 * - `--heap-growing-percent=100`: the old generation may only double between full collections.
 *   With it (and the rest of the same round of memory work: the ledger thread, the body kept as
 *   bytes, UTC windows without ICU) peak RSS under load fell from 226 to 175 MB on non-streamed
 *   chat and from 336 to 208 MB with 100 KB prompts, throughput unchanged or better.
 * - `--max-semi-space-size=16`: V8's own default on Node 20, stated so that the young generation
 *   stays bounded at 2 × 16 MB should a later Node choose larger ones.
 * Smaller settings trade throughput for memory: `--max-semi-space-size=4 --heap-growing-percent=30`
 * kept RSS at ~140 MB for non-streamed chat but promotes nearly every large prompt and so runs
 * full collections back to back: 100 KB-prompt throughput fell to a third (473 against 1,470
 * req/s in `npm run bench`). An operator who needs that trade passes them to `node`; a flag given
 * there wins over these (see `missingGatewayFlags`). Figures: docs/benchmarks.md.
 */
export const gatewayNodeFlags: readonly string[] = ['--max-semi-space-size=16', '--heap-growing-percent=100'];

/**
 * The gateway flags this process was started without, on its command line or in NODE_OPTIONS
 * (each compared by its name, so a user's own value counts).
 */
export function missingGatewayFlags(execArgv: readonly string[] = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? ''): string[] {
  const given = new Set([...execArgv, ...nodeOptions.split(/\s+/)].map(flagName));
  return gatewayNodeFlags.filter((flag) => !given.has(flagName(flag)));
}

/** `execArgv` plus whichever gateway flags it lacks: what a cluster worker is started with. */
export function withGatewayFlags(execArgv: readonly string[] = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? ''): string[] {
  return [...execArgv, ...missingGatewayFlags(execArgv, nodeOptions)];
}

function flagName(flag: string): string {
  // V8 reads --max-semi-space-size and --max_semi_space_size alike.
  return flag.split('=')[0].replaceAll('_', '-');
}
