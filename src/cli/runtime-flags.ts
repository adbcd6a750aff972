/**
 * @module cli/runtime-flags
 * The V8 settings `tollgate serve` is meant to run with. They are command-line flags, so they live
 * where Node is started: the `tollgate` bin's shebang, `npm start`, the cluster primary (for its
 * workers) and the benchmark all take them from here, and a test checks the first two agree.
 *
 * Why these: under load a gateway allocates fast (about 50 KB per call: parsed bodies, headers,
 * promises) and keeps little. V8's defaults suit a browser tab more than that:
 * - `--max-semi-space-size=4`: the young generation stays at 2 × 4 MB instead of growing to
 *   2 × 16 MB, which stays resident once grown. Collections come four times as often but each
 *   copies only what is in flight, so throughput is unchanged within the benchmark's noise.
 * - `--heap-growing-percent=30`: after a full collection the old generation may grow by 30% before
 *   the next one, instead of up to 4×. Calls in flight during two young collections are promoted
 *   and die there, so with the default the old space filled to ~90 MB of garbage between full
 *   collections; with this it stays near 1.3 × the ~22 MB that is really live.
 * Measured with `npm run bench` (docs/benchmarks.md): peak RSS under load fell from ~230 MB to
 * under 150 MB.
 */
export const gatewayNodeFlags: readonly string[] = ['--max-semi-space-size=4', '--heap-growing-percent=30'];

/** The gateway flags this process was started without (each compared by its name, so a user's own value counts). */
export function missingGatewayFlags(execArgv: readonly string[] = process.execArgv): string[] {
  const given = new Set(execArgv.map(flagName));
  return gatewayNodeFlags.filter((flag) => !given.has(flagName(flag)));
}

/** `execArgv` plus whichever gateway flags it lacks: what a cluster worker is started with. */
export function withGatewayFlags(execArgv: readonly string[] = process.execArgv): string[] {
  return [...execArgv, ...missingGatewayFlags(execArgv)];
}

function flagName(flag: string): string {
  // V8 reads --max-semi-space-size and --max_semi_space_size alike.
  return flag.split('=')[0].replaceAll('_', '-');
}
