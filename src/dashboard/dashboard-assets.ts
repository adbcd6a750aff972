/**
 * @module dashboard/dashboard-assets
 * The built dashboard (`npm run build` bundles `dashboard/` with esbuild into `dist/dashboard/`):
 * `index.html` and the files its `manifest.json` lists. Only listed names are served — a name is
 * looked up, never joined into a path — and each file is read once. `TOLLGATE_DASHBOARD_DIR`
 * points elsewhere (tests build into a folder of their own).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface DashboardAsset {
  contentType: string;
  body: Uint8Array;
}

const contentTypes: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8',
};

let cache: { folder: string; files: Map<string, DashboardAsset> } | undefined;

/** The folder of the built dashboard, whether running from `src/` (tsx) or `dist/src/`. */
export function dashboardFolder(): string {
  const override = process.env.TOLLGATE_DASHBOARD_DIR;
  if (override) return override;
  let folder = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 5; depth++) {
    if (existsSync(join(folder, 'package.json'))) return join(folder, 'dist', 'dashboard');
    folder = dirname(folder);
  }
  return join(process.cwd(), 'dist', 'dashboard');
}

/** The asset called `name` (`index.html` or a manifest entry), or undefined when there is none or nothing is built. */
export function dashboardAsset(name: string): DashboardAsset | undefined {
  const folder = dashboardFolder();
  if (cache?.folder !== folder) cache = { folder, files: new Map() };
  const hit = cache.files.get(name);
  if (hit) return hit;
  const manifestPath = join(folder, 'manifest.json');
  if (!existsSync(manifestPath)) return undefined;
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { files: string[] };
  if (name !== 'index.html' && !manifest.files.includes(name)) return undefined;
  const extension = name.slice(name.lastIndexOf('.'));
  const asset = { contentType: contentTypes[extension] ?? 'application/octet-stream', body: readFileSync(join(folder, name)) };
  cache.files.set(name, asset);
  return asset;
}
