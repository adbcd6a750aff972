#!/usr/bin/env node
// Runs the compiled CLI (`npm run build` produces dist/). See src/cli/main.ts.
import '../dist/src/cli/main.js';
