#!/usr/bin/env -S node --max-semi-space-size=16 --heap-growing-percent=100
// The flags are the gateway's V8 settings: see src/cli/runtime-flags.ts (a test keeps both in step).
// Runs the compiled CLI (src/cli/main.ts, built into dist/ by `npm run build`, which `npm install`
// runs in a clone). Without a build, says so instead of printing a stack trace.
import { existsSync } from 'node:fs';

const main = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write(
    'tollgate: not built yet: dist/src/cli/main.js is missing.\n' +
      'Run `npm run build` (or `npm install`, which builds) in the Tollgate folder, then try again.\n',
  );
  process.exit(1);
}
await import(main.href);
