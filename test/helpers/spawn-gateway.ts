/**
 * @module test/helpers/spawn-gateway
 * Runs Tollgate as a separate process (`tollgate serve`, through tsx) from a YAML configuration,
 * for what only a real process shows: several gateways sharing Redis and one database, and
 * graceful shutdown on a signal. With `TOLLGATE_TEST_STORAGE=postgres` the configuration is
 * written with a PostgreSQL database in `storage.postgres` (test-storage.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { yamlForTest } from './test-storage.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

export interface SpawnedGateway {
  url: string;
  process: ChildProcess;
  /** Everything the process wrote to stderr (its JSON log lines). */
  log(): string;
  /** Everything the process wrote to stdout (the access log, by default). */
  stdout(): string;
  /** Sends the signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface SpawnOptions {
  /** Wait for `/readyz` to answer 200 (the default), or only for the listening log line — for a gateway started with a dependency down. */
  waitForReady?: boolean;
}

export async function spawnGateway(
  configPath: string,
  yaml: string,
  environment: Record<string, string> = {},
  extraArguments: string[] = [],
  options: SpawnOptions = {},
): Promise<SpawnedGateway> {
  writeFileSync(configPath, await yamlForTest(yaml, configPath));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--config', configPath, '--port', '0', ...extraArguments], {
    cwd: root,
    env: { ...process.env, ...environment },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway did not start within 60 s:\n${stderr}`)), 60_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /"message":"tollgate listening","url":"([^"]+)"/.exec(stderr);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`gateway exited with ${code} before listening:\n${stderr}`));
    });
  });
  if (options.waitForReady !== false) await waitUntilReady(url);
  return {
    url,
    process: child,
    log: () => stderr,
    stdout: () => stdout,
    stop: async (signal = 'SIGTERM') => {
      // A process killed by a signal has no exit code, but it has exited all the same.
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      const exited = once(child, 'exit');
      child.kill(signal);
      const [code] = await exited;
      return code as number | null;
    },
  };
}

/** Polls `/readyz` until the gateway says it is ready (it warms up before it does). */
async function waitUntilReady(url: string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const ready = await fetch(`${url}/readyz`).then((response) => response.ok, () => false);
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`gateway at ${url} never became ready`);
}
