/**
 * bench/lib/transpile.ts — the fake upstream and the plain proxy run as plain JavaScript under
 * plain `node`, not through tsx: tsx's loader alone adds ~26 MB of RSS to a process, which would
 * inflate the floor the gateway is compared with. TypeScript's own `transpileModule` strips the
 * types (no type-check: `tsc` does that) into node_modules/.cache/tollgate-bench/, where bare
 * imports such as `undici` still resolve from the repository's node_modules.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import ts from 'typescript';

export function transpileForNode(repoRoot: string, file: string): string {
  const source = readFileSync(join(repoRoot, file), 'utf8');
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
    fileName: file,
  });
  const dir = join(repoRoot, 'node_modules/.cache/tollgate-bench');
  mkdirSync(dir, { recursive: true });
  const out = join(dir, basename(file).replace(/\.ts$/, '.mjs'));
  writeFileSync(out, outputText);
  return out;
}
