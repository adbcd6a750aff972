#!/usr/bin/env node
// `npm install` (the `prepare` script) builds Tollgate once: it compiles TypeScript into dist/
// unless dist/ is already newer than every source file. The check matters because npm runs
// `prepare` again in other places — `npx tollgate` in a clone, `npm pack` — and an unneeded
// rebuild there costs seconds and rewrites dist/ under a gateway that is running from it.
// `npm run build` always compiles.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stamp = join(root, 'dist', '.build-stamp');
const sources = ['src', 'providers', 'schemas'];
const configs = ['tsconfig.json', 'tsconfig.build.json', 'package.json'];

function newestSourceTime() {
  let newest = 0;
  const visit = (path) => {
    const stats = statSync(path);
    if (stats.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
    else newest = Math.max(newest, stats.mtimeMs);
  };
  for (const folder of sources) if (existsSync(join(root, folder))) visit(join(root, folder));
  for (const file of configs) if (existsSync(join(root, file))) newest = Math.max(newest, statSync(join(root, file)).mtimeMs);
  return newest;
}

if (existsSync(stamp) && statSync(stamp).mtimeMs >= newestSourceTime()) {
  process.stdout.write('tollgate: dist/ is up to date with the sources; not rebuilding (npm run build forces it)\n');
  process.exit(0);
}
let tsc;
try {
  tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
} catch {
  process.stderr.write('tollgate: cannot build: TypeScript is not installed (run `npm install` with dev dependencies)\n');
  process.exit(1);
}
process.stdout.write('tollgate: building dist/ from the TypeScript sources...\n');
const result = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (result.status !== 0) process.exit(result.status ?? 1);
writeFileSync(stamp, `${new Date().toISOString()}\n`);
