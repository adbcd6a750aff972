/**
 * @module test/helpers/terminal
 * A bash session that commands are pasted into one block at a time, as a person does: variables
 * and background jobs (`npm start &`) carry over from block to block. Each block runs from a file,
 * sourced with stdin from /dev/null (so nothing it runs can swallow the next block), and any
 * command that fails is reported (an ERR trap writes `@@ERR@@ <command>` to stderr). The whole
 * session is its own process group: `close()` ends it and everything started in it.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface BlockResult {
  stdout: string;
  stderr: string;
  /** Commands that exited non-zero. */
  failed: string[];
  exitCode: number;
}

export class Terminal {
  private readonly shell: ChildProcessWithoutNullStreams;
  private readonly scripts = mkdtempSync(join(tmpdir(), 'tollgate-terminal-'));
  private stdout = '';
  private stderr = '';
  private blocks = 0;

  constructor(cwd: string, environment: Record<string, string>) {
    this.shell = spawn('bash', ['--norc', '--noprofile'], { cwd, env: environment, detached: true });
    this.shell.stdout.on('data', (chunk: Buffer) => (this.stdout += chunk.toString()));
    this.shell.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.shell.stdin.write(`set -o pipefail\ntrap 'printf "@@ERR@@ %s\\n" "$BASH_COMMAND" >&2' ERR\n`);
  }

  /** Everything written to stderr so far (the gateway's log lines included). */
  get log(): string {
    return this.stderr;
  }

  async run(block: string, timeoutMs: number): Promise<BlockResult> {
    const file = join(this.scripts, `block-${++this.blocks}.sh`);
    writeFileSync(file, `${block}\n`);
    const outFrom = this.stdout.length;
    const errFrom = this.stderr.length;
    const marker = `@@END-${this.blocks}@@`;
    this.shell.stdin.write(`source ${file} < /dev/null; printf '\\n${marker} %s\\n' "$?"\n`);
    const deadline = Date.now() + timeoutMs;
    while (!this.stdout.includes(marker, outFrom)) {
      if (this.shell.exitCode !== null) throw new Error(`the shell exited (${this.shell.exitCode}):\n${this.stderr.slice(errFrom)}`);
      if (Date.now() > deadline) throw new Error(`block ${this.blocks} did not finish within ${timeoutMs} ms:\n${block}\nstdout:\n${this.stdout.slice(outFrom)}\nstderr:\n${this.stderr.slice(errFrom)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    const output = this.stdout.slice(outFrom);
    const at = output.indexOf(marker);
    const stderr = this.stderr.slice(errFrom);
    return {
      stdout: output.slice(0, at).replace(/\n$/, ''),
      stderr,
      failed: [...stderr.matchAll(/^@@ERR@@ (.*)$/gm)].map((match) => match[1]),
      exitCode: Number(/^ (\d+)/.exec(output.slice(at + marker.length))?.[1] ?? -1),
    };
  }

  /** Ends the shell and every process it started (its process group), gracefully first. */
  async close(): Promise<void> {
    const group = -this.shell.pid!;
    const signal = (name: NodeJS.Signals) => {
      try {
        process.kill(group, name);
      } catch {
        // already gone
      }
    };
    signal('SIGTERM');
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      try {
        process.kill(group, 0);
      } catch {
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    signal('SIGKILL');
  }
}
