/**
 * @module test/helpers/fresh-copy
 * A fresh copy of this repository in a temp folder, as a clone would have it: the tracked and
 * not-ignored files of the working tree (so uncommitted work is tested too), no `dist/`, no
 * `data/`. `node_modules` is hard-linked from this checkout (a second install from the registry
 * would take minutes), except npm's own bookkeeping file, which `npm install` rewrites and so is
 * copied: nothing the copy does can write into this checkout's files.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repositoryRoot = fileURLToPath(new URL('../../', import.meta.url));

export function freshCopy(prefix = 'tollgate-fresh-'): string {
  const copy = join(mkdtempSync(join(tmpdir(), prefix)), 'tollgate');
  const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: repositoryRoot, encoding: 'utf8' });
  for (const path of listed.split('\0').filter(Boolean)) {
    const source = join(repositoryRoot, path);
    if (!existsSync(source)) continue; // deleted in the working tree, not yet committed
    mkdirSync(dirname(join(copy, path)), { recursive: true });
    copyFileSync(source, join(copy, path));
  }
  execFileSync('cp', ['-al', join(repositoryRoot, 'node_modules'), join(copy, 'node_modules')]);
  const bookkeeping = join(copy, 'node_modules', '.package-lock.json');
  rmSync(bookkeeping, { force: true });
  cpSync(join(repositoryRoot, 'node_modules', '.package-lock.json'), bookkeeping);
  return copy;
}

/** The environment a person's shell would have: no variables of the npm run that started the tests. */
export function cleanEnvironment(extra: Record<string, string> = {}): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value === undefined || /^npm_|^TOLLGATE_|^PORT$|^VITEST|^NODE_OPTIONS$/i.test(name)) continue;
    environment[name] = value;
  }
  return {
    ...environment,
    // The packages are in npm's cache: use it, and never ask the registry what it need not.
    npm_config_prefer_offline: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    ...extra,
  };
}
