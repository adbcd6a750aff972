/**
 * bench/lib/loop-monitor.mjs — preloaded into the gateway by `npm run bench -- --profile`
 * (`node --import ./bench/lib/loop-monitor.mjs dist/src/cli/main.js serve ...`); never otherwise.
 *
 * A 1 ms interval timer notes every stretch in which the event loop did not get back to its timers
 * for longer than TOLLGATE_BENCH_LOOP_MIN_MS (default 3): the windows during which requests wait.
 * At exit it writes them to TOLLGATE_BENCH_LOOP_FILE as [[fromUs, toUs], ...] on the monotonic
 * clock, the clock of `--cpu-prof` timestamps, so the profile says what ran in each window.
 * Plain JavaScript so that the gateway process loads no TypeScript loader.
 */
import { writeFileSync } from 'node:fs';

const file = process.env.TOLLGATE_BENCH_LOOP_FILE;
const minUs = Number(process.env.TOLLGATE_BENCH_LOOP_MIN_MS ?? 3) * 1000;
const windows = [];
let last = process.hrtime.bigint();
setInterval(() => {
  const now = process.hrtime.bigint();
  // The timer is due every 1 ms; anything beyond that is time the loop spent elsewhere.
  if (Number(now - last) / 1000 - 1000 >= minUs && windows.length < 1_000_000) windows.push([Number(last / 1000n), Number(now / 1000n)]);
  last = now;
}, 1).unref();
if (file) process.on('exit', () => writeFileSync(file, JSON.stringify(windows)));
