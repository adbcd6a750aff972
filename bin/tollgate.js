#!/usr/bin/env -S node --max-semi-space-size=16 --heap-growing-percent=100
// The flags are the gateway's V8 settings: see src/cli/runtime-flags.ts (a test keeps both in step).
// Runs the compiled CLI (`npm run build` produces dist/). See src/cli/main.ts.
import '../dist/src/cli/main.js';
