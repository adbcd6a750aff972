/**
 * @module test/helpers/run-cli
 * Runs the `tollgate` command as a separate process (through tsx, from the sources), the way an
 * operator does beside a running gateway: its exit code, stdout and stderr.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const main = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
/** tsx's loader by URL, so the command runs from any folder (`--import tsx` resolves from the working directory). */
const tsxLoader = new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url).href;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', tsxLoader, main, ...args],
      { cwd: options.cwd ?? root, env: { ...process.env, ...options.env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** The JSON a successful command printed. */
export function outputOf(result: CliResult): any {
  if (result.code !== 0) throw new Error(`tollgate exited with ${result.code}:\n${result.stderr}`);
  return JSON.parse(result.stdout);
}
