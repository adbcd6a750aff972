/**
 * scripts/build-dashboard.ts — bundles the dashboard (`dashboard/`: Preact + Chart.js, both
 * installed from npm) with esbuild into `dist/dashboard/`: `index.html`, content-hashed
 * `app-*.js` and `app-*.css`, and `manifest.json` (the only files the server will serve). Run by
 * `npm run build`; tests call `buildDashboard` with a folder of their own.
 *
 *   npx tsx scripts/build-dashboard.ts [outDir]
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));

export async function buildDashboard(outDir = join(root, 'dist', 'dashboard')): Promise<string[]> {
  const staging = `${outDir}.staging-${process.pid}-${Date.now()}`;
  mkdirSync(staging, { recursive: true });
  await build({
    entryPoints: { app: join(root, 'dashboard', 'src', 'main.tsx') },
    bundle: true,
    minify: true,
    sourcemap: false,
    format: 'esm',
    target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    entryNames: '[name]-[hash]',
    outdir: staging,
    legalComments: 'linked',
    logLevel: 'warning',
  });
  const files = readdirSync(staging).sort();
  const script = files.find((file) => /^app-.*\.js$/.test(file));
  const style = files.find((file) => /^app-.*\.css$/.test(file));
  if (!script || !style) throw new Error(`the dashboard build made no script or style: ${files.join(', ')}`);
  const page = readFileSync(join(root, 'dashboard', 'index.html'), 'utf8').replace('{{script}}', script).replace('{{style}}', style);
  writeFileSync(join(staging, 'index.html'), page);
  writeFileSync(join(staging, 'manifest.json'), `${JSON.stringify({ files }, null, 2)}\n`);
  // Swap the whole folder at once, so a running gateway never sees half a build.
  const previous = `${outDir}.previous-${process.pid}-${Date.now()}`;
  try {
    renameSync(outDir, previous);
  } catch {
    // nothing built before
  }
  renameSync(staging, outDir);
  rmSync(previous, { recursive: true, force: true });
  return files;
}

if (process.argv[1] && basename(process.argv[1]).startsWith('build-dashboard')) {
  const outDir = process.argv[2] ? resolve(process.argv[2]) : undefined;
  buildDashboard(outDir).then(
    (files) => process.stdout.write(`dashboard built: ${files.join(', ')}\n`),
    (error: unknown) => {
      process.stderr.write(`dashboard build failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
