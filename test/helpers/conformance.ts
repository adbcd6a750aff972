/**
 * @module test/helpers/conformance
 * Finds the shared conformance data (real recorded provider bytes and the OpenAI OpenAPI document)
 * that the fakes replay and the validators use. It lives beside the repository, not in it: in
 * `../shared/conformance`, relative to the repository's root. Looked for, in order:
 *
 * 1. `$TOLLGATE_CONFORMANCE_DIR`, when set (a copy kept elsewhere);
 * 2. `../shared/conformance` beside this checkout;
 * 3. for a git worktree (`.git` is a file naming the main repository), `../shared/conformance`
 *    beside the main checkout — the repository this worktree belongs to.
 *
 * Nothing else: no absolute fallback, no search up the folder tree. Missing data is a loud
 * failure that says where it was looked for, never a silent skip.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repositoryRoot = fileURLToPath(new URL('../../', import.meta.url));

function hasData(folder: string): boolean {
  return existsSync(join(folder, 'openai', 'openapi.json'));
}

/** The main checkout of the repository when `root` is a git worktree; undefined otherwise. */
function mainCheckoutOf(root: string): string | undefined {
  const dotGit = join(root, '.git');
  if (!existsSync(dotGit) || statSync(dotGit).isDirectory()) return undefined;
  const match = /^gitdir:\s*(.+)$/m.exec(readFileSync(dotGit, 'utf8'));
  if (!match) return undefined;
  const worktreeGitDir = resolve(root, match[1].trim());
  const commonDirFile = join(worktreeGitDir, 'commondir');
  const commonDir = existsSync(commonDirFile) ? resolve(worktreeGitDir, readFileSync(commonDirFile, 'utf8').trim()) : dirname(dirname(worktreeGitDir));
  return dirname(commonDir);
}

export function locateConformance(root = repositoryRoot, environment: NodeJS.ProcessEnv = process.env): string {
  const candidates: string[] = [];
  if (environment.TOLLGATE_CONFORMANCE_DIR) candidates.push(resolve(environment.TOLLGATE_CONFORMANCE_DIR));
  candidates.push(resolve(root, '..', 'shared', 'conformance'));
  const mainCheckout = mainCheckoutOf(root);
  if (mainCheckout) candidates.push(resolve(mainCheckout, '..', 'shared', 'conformance'));
  const found = candidates.find(hasData);
  if (found) return found;
  throw new Error(
    `conformance data not found: the tests need ../shared/conformance beside the repository (looked in ${candidates.join(', ')}). ` +
      'Put the shared folder there, or set TOLLGATE_CONFORMANCE_DIR to a folder holding openai/, anthropic/ and gemini/ recordings.',
  );
}

export const conformanceDir = locateConformance();

/** The absolute path of a file or folder inside the conformance data. */
export function conformancePath(...segments: string[]): string {
  return join(conformanceDir, ...segments);
}
