/**
 * @module test/helpers/conformance
 * Finds the shared conformance data (real recorded provider bytes and the OpenAI OpenAPI document)
 * that the fakes replay and the validators use. It lives beside the project, not in it:
 * `$TOLLGATE_CONFORMANCE_DIR`, else the nearest `shared/conformance` in a parent folder of this
 * checkout (a clone anywhere under /work finds /work/shared), else `/work/shared/conformance`.
 * Missing data is a loud failure, never a silent skip.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

function locate(): string {
  const fromEnvironment = process.env.TOLLGATE_CONFORMANCE_DIR;
  if (fromEnvironment) return resolve(fromEnvironment);
  let folder = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(folder, 'shared', 'conformance');
    if (existsSync(join(candidate, 'openai', 'openapi.json'))) return candidate;
    const parent = dirname(folder);
    if (parent === folder) break;
    folder = parent;
  }
  const fallback = '/work/shared/conformance';
  if (existsSync(fallback)) return fallback;
  throw new Error(
    'conformance data not found: set TOLLGATE_CONFORMANCE_DIR to the folder holding openai/, anthropic/ and gemini/ recordings',
  );
}

export const conformanceDir = locate();

/** The absolute path of a file or folder inside the conformance data. */
export function conformancePath(...segments: string[]): string {
  return join(conformanceDir, ...segments);
}
