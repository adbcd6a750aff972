import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { locateConformance } from './conformance.js';

/** A folder tree under a fresh temp dir: `files` maps relative paths to contents. */
function tree(files: Record<string, string>): string {
  const base = mkdtempSync(join(tmpdir(), 'tollgate-conformance-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(base, path, '..'), { recursive: true });
    writeFileSync(join(base, path), content);
  }
  return base;
}

describe('finding the conformance data', () => {
  it('takes ../shared/conformance beside the repository', () => {
    const base = tree({ 'repo/package.json': '{}', 'shared/conformance/openai/openapi.json': '{}' });
    expect(locateConformance(join(base, 'repo'), {})).toBe(join(base, 'shared', 'conformance'));
  });

  it('takes it beside the main checkout for a git worktree', () => {
    const base = tree({
      'main/.git/worktrees/h1/commondir': '../..\n',
      'shared/conformance/openai/openapi.json': '{}',
      'wt/h1/.git': `gitdir: ${join('..', '..', 'main', '.git', 'worktrees', 'h1')}\n`,
    });
    expect(locateConformance(join(base, 'wt', 'h1'), {})).toBe(join(base, 'shared', 'conformance'));
  });

  it('prefers TOLLGATE_CONFORMANCE_DIR when it is set', () => {
    const base = tree({ 'elsewhere/openai/openapi.json': '{}', 'shared/conformance/openai/openapi.json': '{}', 'repo/x': '' });
    expect(locateConformance(join(base, 'repo'), { TOLLGATE_CONFORMANCE_DIR: join(base, 'elsewhere') })).toBe(join(base, 'elsewhere'));
  });

  it('fails, saying where it looked, when nothing is beside the repository (no absolute fallback)', () => {
    const base = tree({ 'repo/package.json': '{}' });
    expect(() => locateConformance(join(base, 'repo'), {})).toThrow(
      `conformance data not found: the tests need ../shared/conformance beside the repository (looked in ${join(base, 'shared', 'conformance')}).`,
    );
  });
});
