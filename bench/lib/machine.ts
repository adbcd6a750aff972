/**
 * bench/lib/machine.ts — what the report says about the machine: CPU model, cores, RAM, Node,
 * OS, and what a minor page fault costs here (it sets V8's scavenge pauses: a scavenge re-faults
 * new-space pages, so a VM with dear faults has long GC pauses).
 */
import { existsSync, readFileSync } from 'node:fs';
import { cpus, release, totalmem, type } from 'node:os';
import type { Machine } from './results.js';

export function describeMachine(): Machine {
  const cpuinfo = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '';
  const osRelease = existsSync('/etc/os-release') ? /^PRETTY_NAME="?([^"\n]+)"?/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] : undefined;
  return {
    cpu: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    ramGb: totalmem() / 1024 ** 3,
    node: process.version,
    os: `${osRelease ?? type()} (${type()} ${release()})`,
    pageFaultUs: pageFaultCost(),
  };
}

/** µs per minor page fault: the first write to fresh memory against a second write (no faults). */
function pageFaultCost(): number {
  const bytes = 32 * 1024 * 1024;
  const buffer = Buffer.allocUnsafeSlow(bytes);
  const began = process.hrtime.bigint();
  buffer.fill(1);
  const first = process.hrtime.bigint();
  buffer.fill(2);
  const second = process.hrtime.bigint();
  return Math.max(0, Number(first - began - (second - first)) / 1000 / (bytes / 4096));
}
