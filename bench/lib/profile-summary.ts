/**
 * bench/lib/profile-summary.ts — reads a V8 `.cpuprofile` (what `node --cpu-prof` writes):
 *  - the top self-time frames, self time grouped by where the code lives (a package, Node's
 *    internals, Tollgate's own folders), and "inclusive" time per place (on the stack at all);
 *  - the same restricted to given time windows, e.g. the stretches in which the event loop was
 *    blocked (bench/lib/loop-monitor.mjs), to say what ran while requests waited.
 * Idle time is left out of the percentages. Times are the profile's own: µs on the monotonic
 * clock, the clock of `process.hrtime.bigint()`.
 *
 * Run on its own: npx tsx bench/lib/profile-summary.ts FILE.cpuprofile [TOP] [SKIP_FIRST_MS]
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  busyMs: number;
  idleMs: number;
  frames: Array<{ name: string; where: string; selfMs: number; percent: number }>;
  groups: Array<{ group: string; selfMs: number; percent: number }>;
  /** Time with a frame of this place anywhere on the stack (so the shares overlap). */
  inclusive: Array<{ group: string; totalMs: number; percent: number }>;
}

/** [fromUs, toUs] on the profile's clock. */
export type Window = [number, number];

export class Profile {
  private readonly profile: CpuProfile;
  private readonly byId: Map<number, ProfileNode>;
  private readonly parents = new Map<number, number>();
  /** Absolute time (µs) of each sample. */
  private readonly times: number[];

  constructor(path: string) {
    this.profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
    this.byId = new Map(this.profile.nodes.map((node) => [node.id, node]));
    for (const node of this.profile.nodes) for (const child of node.children ?? []) this.parents.set(child, node.id);
    let at = this.profile.startTime;
    this.times = this.profile.timeDeltas.map((delta) => (at += Math.max(0, delta)));
  }

  get startUs(): number {
    return this.profile.startTime;
  }

  /** Self time per node id, for the samples inside any of the windows (all when none). */
  private selfTimes(windows?: Window[]): Map<number, number> {
    const sorted = windows ? [...windows].sort((a, b) => a[0] - b[0]) : undefined;
    const selfUs = new Map<number, number>();
    let cursor = 0;
    for (let index = 0; index < this.profile.samples.length; index++) {
      const time = this.times[index];
      if (sorted) {
        while (cursor < sorted.length && sorted[cursor][1] < time) cursor++;
        if (cursor >= sorted.length || time < sorted[cursor][0]) continue;
      }
      const id = this.profile.samples[index];
      // timeDeltas[i] is the time before sample i: attribute it to the sample that ends it.
      selfUs.set(id, (selfUs.get(id) ?? 0) + Math.max(0, this.profile.timeDeltas[index] ?? 0));
    }
    return selfUs;
  }

  summarise(top = 10, windows?: Window[]): ProfileSummary {
    const selfUs = this.selfTimes(windows);
    const frames = new Map<string, { name: string; where: string; us: number }>();
    const groups = new Map<string, number>();
    const inclusive = new Map<string, number>();
    let idleUs = 0;
    let busyUs = 0;
    for (const [id, us] of selfUs) {
      const { functionName, url, lineNumber } = this.byId.get(id)!.callFrame;
      if (functionName === '(idle)') {
        idleUs += us;
        continue;
      }
      busyUs += us;
      const where = url ? `${shorten(url)}:${lineNumber + 1}` : '';
      const key = `${functionName}@${where}`;
      const frame = frames.get(key) ?? { name: functionName || '(anonymous)', where, us: 0 };
      frame.us += us;
      frames.set(key, frame);
      const group = groupOf(url, functionName);
      groups.set(group, (groups.get(group) ?? 0) + us);
      const seen = new Set<string>();
      for (let at: number | undefined = id; at !== undefined; at = this.parents.get(at)) {
        const { url: frameUrl, functionName: name } = this.byId.get(at)!.callFrame;
        if (frameUrl) seen.add(groupOf(frameUrl, name));
      }
      for (const place of seen) inclusive.set(place, (inclusive.get(place) ?? 0) + us);
    }
    const percent = (us: number) => (busyUs > 0 ? (100 * us) / busyUs : 0);
    return {
      busyMs: busyUs / 1000,
      idleMs: idleUs / 1000,
      frames: [...frames.values()]
        .sort((a, b) => b.us - a.us)
        .slice(0, top)
        .map((frame) => ({ name: frame.name, where: frame.where, selfMs: frame.us / 1000, percent: percent(frame.us) })),
      groups: [...groups.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, top)
        .map(([group, us]) => ({ group, selfMs: us / 1000, percent: percent(us) })),
      inclusive: [...inclusive.entries()]
        .filter(([group]) => group !== 'node internals')
        .sort((a, b) => b[1] - a[1])
        .slice(0, 15)
        .map(([group, us]) => ({ group, totalMs: us / 1000, percent: percent(us) })),
    };
  }
}

/** Convenience: a whole profile, leaving out its first `skipMs` (start-up, warm-up). */
export function summariseProfile(path: string, top = 10, skipMs = 0): ProfileSummary {
  const profile = new Profile(path);
  return profile.summarise(top, skipMs > 0 ? [[profile.startUs + skipMs * 1000, Number.MAX_SAFE_INTEGER]] : undefined);
}

function shorten(url: string): string {
  const path = url.replace(/^file:\/\//, '');
  const modules = path.lastIndexOf('/node_modules/');
  if (modules >= 0) return path.slice(modules + '/node_modules/'.length);
  const dist = path.indexOf('/dist/');
  if (dist >= 0) return path.slice(dist + 1);
  return path;
}

function groupOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node internals';
  if (url.startsWith('wasm:')) return "WebAssembly (undici's llhttp parser, tiktoken)";
  const modules = /\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1];
  const own = /\/dist\/((?:src|providers|schemas)\/[^/]+)/.exec(url);
  return own ? own[1] : url;
}

export function formatProfile(summary: ProfileSummary, top = 10): string {
  return [
    `CPU busy ${summary.busyMs.toFixed(0)} ms (idle ${summary.idleMs.toFixed(0)} ms left out)`,
    '',
    '| # | Self % | Self ms | Function | Where |',
    '|---|---:|---:|---|---|',
    ...summary.frames.slice(0, top).map((frame, index) => `| ${index + 1} | ${frame.percent.toFixed(1)} | ${frame.selfMs.toFixed(0)} | \`${frame.name}\` | ${frame.where} |`),
    '',
    '| Where the self time goes | Self % |',
    '|---|---:|',
    ...summary.groups.map((group) => `| ${group.group} | ${group.percent.toFixed(1)} |`),
    '',
    '| Code on the stack (inclusive; shares overlap) | Total % |',
    '|---|---:|',
    ...summary.inclusive.map((group) => `| ${group.group} | ${group.percent.toFixed(1)} |`),
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [file, top, skip] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: tsx bench/lib/profile-summary.ts FILE.cpuprofile [TOP] [SKIP_FIRST_MS]\n');
    process.exit(2);
  }
  process.stdout.write(`${formatProfile(summariseProfile(file, Number(top ?? 10), Number(skip ?? 0)))}\n`);
}
