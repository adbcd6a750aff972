/**
 * bench/lib/processes.ts — starting the processes under test, pinning them to a core, and reading
 * their CPU time and memory from /proc.
 *
 * `taskset -c <cpus> node ...` execs node in place, so the child's pid is node's own pid and
 * /proc/<pid> describes the process under test. A process tree (cluster mode) is summed.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

export const hasTaskset = spawnSync('taskset', ['-V'], { stdio: 'ignore' }).status === 0;
export const clockTicks = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

export interface GcPause {
  /** Date.now() when the line was read. */
  at: number;
  ms: number;
  kind: string;
}

export interface Started {
  name: string;
  url: string;
  pid: number;
  child: ChildProcess;
  /** GC pauses read from `--trace-gc` lines (when the process was started with it). */
  gcPauses: GcPause[];
  /** The last 64 KB the process wrote (stdout and stderr). */
  log(): string;
  /** Sends the signal and resolves with the exit code once the process is gone. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | null>;
}

export interface StartOptions {
  name: string;
  /** Arguments after `node` (after `program` when given). */
  nodeArgs: string[];
  /** Another program than node (e.g. nginx). */
  program?: string;
  /** `taskset -c` CPU list, when taskset exists. */
  cpus?: string;
  cwd: string;
  env?: Record<string, string>;
  /** Matches the line announcing the URL (group 1 is the URL), or the URL itself when it is known up front. */
  listening: RegExp | { url: string };
  /** Polled until it answers 200. */
  readyPath?: string;
  timeoutMs?: number;
}

export async function startProcess(options: StartOptions): Promise<Started> {
  const program = options.program ?? process.execPath;
  const command = options.cpus && hasTaskset ? 'taskset' : program;
  const args = options.cpus && hasTaskset ? ['-c', options.cpus, program, ...options.nodeArgs] : options.nodeArgs;
  const child = spawn(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > 65_536) output = output.slice(-65_536);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const gcPauses: GcPause[] = [];
  let carry = '';
  // V8's --trace-gc lines go to stdout: "... 2970 ms: Scavenge 4.6 (4.7) -> 4.1 (5.7) MB, 4.11 / 0.00 ms ..."
  child.stdout!.on('data', (chunk: Buffer) => {
    const lines = (carry + chunk.toString()).split('\n');
    carry = lines.pop() ?? '';
    for (const line of lines) {
      const match = / ms: ([A-Za-z-]+(?: \([a-z]+\))?) .*?MB, ([\d.]+) \/ [\d.]+ ms/.exec(line);
      if (match) gcPauses.push({ at: Date.now(), ms: Number(match[2]), kind: match[1] });
    }
    if (gcPauses.length > 200_000) gcPauses.splice(0, 100_000);
  });
  const timeoutMs = options.timeoutMs ?? 30_000;
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${options.name} did not start within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const listening = options.listening;
    if (!(listening instanceof RegExp)) {
      clearTimeout(timer);
      resolve(listening.url);
      return;
    }
    const check = () => {
      const match = listening.exec(output);
      if (!match) return;
      clearTimeout(timer);
      child.stdout!.off('data', check);
      child.stderr!.off('data', check);
      resolve(match[1]);
    };
    child.stdout!.on('data', check);
    child.stderr!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${options.name} exited with ${code} before listening:\n${output}`));
    });
  });
  if (options.readyPath) await waitForOk(url + options.readyPath, timeoutMs);
  return {
    name: options.name,
    url,
    pid: child.pid!,
    child,
    gcPauses,
    log: () => output,
    stop: async (signal = 'SIGTERM', stopTimeoutMs = 60_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      const exited = once(child, 'exit');
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), stopTimeoutMs);
      const [code] = await exited;
      clearTimeout(timer);
      return code as number | null;
    },
  };
}

export async function waitForOk(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await fetch(url).then((response) => response.ok, () => false);
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${url} never answered 200`);
}

/** A port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Pins this process (every thread) to the CPU list. */
export function pinSelf(cpus: string): boolean {
  return hasTaskset && spawnSync('taskset', ['-a', '-p', '-c', cpus, String(process.pid)], { stdio: 'ignore' }).status === 0;
}

// --- /proc --------------------------------------------------------------------------------------

/** The pid and every descendant's pid. */
export function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(parent) ?? [];
      list.push(Number(entry));
      children.set(parent, list);
    } catch {
      // gone meanwhile
    }
  }
  const tree: number[] = [];
  const visit = (id: number) => {
    tree.push(id);
    for (const child of children.get(id) ?? []) visit(child);
  };
  visit(pid);
  return tree;
}

export interface ProcessSample {
  /** user + system CPU, seconds, summed over the tree. */
  cpuSeconds: number;
  /** Resident set, MB: the sum over the tree, and the largest single process. */
  rssMb: number;
  maxProcessRssMb: number;
  /** Peak resident set (VmHWM), MB: sum over the tree and the largest single process. */
  hwmMb: number;
  maxProcessHwmMb: number;
  processes: number;
}

export function sampleProcess(pid: number, tree = false): ProcessSample {
  const pids = tree ? processTree(pid) : [pid];
  const sample: ProcessSample = { cpuSeconds: 0, rssMb: 0, maxProcessRssMb: 0, hwmMb: 0, maxProcessHwmMb: 0, processes: 0 };
  for (const id of pids) {
    try {
      const stat = readFileSync(`/proc/${id}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // Fields 14 and 15 of stat (utime, stime) are 11 and 12 after the command name.
      sample.cpuSeconds += (Number(fields[11]) + Number(fields[12])) / clockTicks;
      const status = readFileSync(`/proc/${id}/status`, 'utf8');
      const rss = kb(status, 'VmRSS') / 1024;
      const hwm = kb(status, 'VmHWM') / 1024;
      sample.rssMb += rss;
      sample.hwmMb += hwm;
      sample.maxProcessRssMb = Math.max(sample.maxProcessRssMb, rss);
      sample.maxProcessHwmMb = Math.max(sample.maxProcessHwmMb, hwm);
      sample.processes++;
    } catch {
      // exited meanwhile
    }
  }
  return sample;
}

function kb(status: string, field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return match ? Number(match[1]) : 0;
}

/** Busy and total jiffies per CPU, from /proc/stat. */
export function cpuJiffies(): Array<{ busy: number; total: number }> {
  if (!existsSync('/proc/stat')) return [];
  return readFileSync('/proc/stat', 'utf8')
    .split('\n')
    .filter((line) => /^cpu\d+ /.test(line))
    .map((line) => {
      const values = line.trim().split(/\s+/).slice(1).map(Number);
      const idle = values[3] + (values[4] ?? 0);
      const total = values.reduce((sum, value) => sum + value, 0);
      return { busy: total - idle, total };
    });
}

/** Per-CPU busy fraction between two `cpuJiffies()` readings. */
export function busyFractions(before: ReturnType<typeof cpuJiffies>, after: ReturnType<typeof cpuJiffies>): number[] {
  return after.map((end, index) => {
    const start = before[index];
    const total = end.total - (start?.total ?? 0);
    return total > 0 ? (end.busy - (start?.busy ?? 0)) / total : 0;
  });
}

/** CPU seconds of every process now: pid → [seconds, command]. */
function allProcessCpu(): Map<number, [number, string]> {
  const all = new Map<number, [number, string]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ').trim() || stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      all.set(Number(entry), [(Number(fields[11]) + Number(fields[12])) / clockTicks, command]);
    } catch {
      // gone meanwhile
    }
  }
  return all;
}

/** The processes that used the most CPU over the next `ms`, as "37% node ...". */
export async function busiestProcesses(ms: number, count = 3): Promise<string[]> {
  const before = allProcessCpu();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const after = allProcessCpu();
  return [...after.entries()]
    .map(([pid, [seconds, command]]) => ({ pid, command, share: (seconds - (before.get(pid)?.[0] ?? seconds)) / (ms / 1000) }))
    .filter((entry) => entry.pid !== process.pid && entry.share > 0.01)
    .sort((a, b) => b.share - a.share)
    .slice(0, count)
    .map((entry) => `${(entry.share * 100).toFixed(0)}% ${entry.command.slice(0, 80)}`);
}
