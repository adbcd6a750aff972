/**
 * @module openapi/package-version
 * Tollgate's version, from its `package.json`: found by walking up from this file, so it works
 * from `src/` (tsx, tests) and from `dist/src/` (the build) alike.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let version: string | undefined;

export function packageVersion(): string {
  version ??= findVersion(dirname(fileURLToPath(import.meta.url)));
  return version;
}

function findVersion(start: string): string {
  for (let folder = start; ; folder = dirname(folder)) {
    const candidate = join(folder, 'package.json');
    if (existsSync(candidate)) {
      const manifest = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
      if (manifest.name === 'tollgate' && manifest.version) return manifest.version;
    }
    if (dirname(folder) === folder) return '0.0.0';
  }
}
