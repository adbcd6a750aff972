/**
 * bench/lib/bench.ts — the state one bench run shares (settings, results, the temporary folder,
 * the processes it started) and the steps every part of it uses: start and stop processes,
 * start Tollgate on a written configuration and stop it (counting its ledger), and run the
 * standard set of measurements against one target (`suite`).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeGatewayConfig, type WrittenConfig } from './gateway-config.js';
import { countLedger } from './ledger.js';
import { mustRequestOf, requestOf, saturate, type Target } from './measure.js';
import { busiestProcesses, busyFractions, cpuJiffies, freePort, sampleProcess, startProcess, type Started } from './processes.js';
import { deleteRedisPrefix } from './redis.js';
import type { InstanceReport, Results, Settings } from './results.js';
import { allScenarios, scenario as scenarioOf, type ScenarioId } from './scenarios.js';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class Bench {
  /** The fake upstream called directly: the baseline the fixed-rate runs are paired with. */
  direct?: Target;
  private readonly running = new Set<Started>();

  constructor(
    readonly settings: Settings,
    readonly results: Results,
    readonly options: { repoRoot: string; tmp: string; redisUrl: string; nodeFlags: string[]; gatewayFlags: string[]; keep: boolean },
  ) {}

  log(message: string): void {
    const elapsed = ((Date.now() - this.results.startedAt.getTime()) / 1000).toFixed(0).padStart(3);
    process.stderr.write(`[bench ${elapsed}s] ${message}\n`);
  }

  async start(options: Parameters<typeof startProcess>[0]): Promise<Started> {
    const started = await startProcess(options);
    this.running.add(started);
    return started;
  }

  async stop(started: Started): Promise<number | null> {
    const code = await started.stop('SIGTERM');
    this.running.delete(started);
    return code;
  }

  /** Only the processes this run started. */
  killAll(): void {
    for (const started of this.running) started.child.kill('SIGKILL');
  }

  target(id: string, label: string, kind: Target['kind'], started: Started, tree = false): Target {
    return {
      id,
      label,
      kind,
      url: started.url,
      pid: started.pid,
      tree,
      sent: 0,
      unsure: 0,
      peakRssMb: 0,
      gcPauses: started.gcPauses,
      idleRssMb: sampleProcess(started.pid, tree).rssMb,
    };
  }

  /** The bench's gateway configuration, plus what every registered scenario needs, plus `extra`. */
  config(label: string, fakeUrl: string, redis = false, extra?: Record<string, unknown>): WrittenConfig {
    const { tmp, repoRoot, redisUrl } = this.options;
    const fromScenarios = Object.assign({}, ...allScenarios().map((scenario) => scenario.gatewayConfig?.(fakeUrl) ?? {}));
    return writeGatewayConfig({ dir: tmp, repoRoot, fakeUrl, label, redisUrl: redis ? redisUrl : undefined, extra: { ...fromScenarios, ...extra } });
  }

  async startTollgate(
    config: WrittenConfig,
    options: { cpus?: string; workers?: number; profileDir?: string; profileIntervalUs?: number; env?: Record<string, string>; build?: string } = {},
  ): Promise<Started> {
    const port = await freePort();
    const monitor = pathToFileURL(join(this.options.repoRoot, 'bench/lib/loop-monitor.mjs')).href;
    const profiling = options.profileDir
      ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`, `--cpu-prof-interval=${options.profileIntervalUs ?? 1000}`, '--import', monitor]
      : [];
    const workers = options.workers ? ['--workers', String(options.workers)] : [];
    const gatewayFlags = options.build ? await this.buildFlags(options.build) : this.options.gatewayFlags;
    return this.start({
      name: 'tollgate',
      nodeArgs: ['--trace-gc', ...profiling, ...gatewayFlags, ...this.options.nodeFlags, `${options.build ?? 'dist'}/src/cli/main.js`, 'serve', '--config', config.path, '--port', String(port), ...workers],
      cpus: options.cpus,
      cwd: this.options.repoRoot,
      env: options.env,
      listening: /"message":"tollgate listening","url":"([^"]+)"/,
      readyPath: '/readyz',
    });
  }

  /**
   * The V8 flags another build (`--baseline DIR`) was made to run with, from its own
   * runtime-flags.js, so that a change of those flags is measured before and after like any other.
   */
  private async buildFlags(build: string): Promise<string[]> {
    if (this.options.gatewayFlags.length === 0) return []; // --no-gateway-flags
    const file = join(this.options.repoRoot, build, 'src/cli/runtime-flags.js');
    if (!existsSync(file)) return this.options.gatewayFlags;
    const { gatewayNodeFlags } = (await import(pathToFileURL(file).href)) as { gatewayNodeFlags: readonly string[] };
    return [...gatewayNodeFlags];
  }

  /** SIGTERM, wait for the exit (the ledger's final flush), then count the ledger's rows. */
  async stopTollgate(gateway: Started, subject: Target, config: WrittenConfig): Promise<InstanceReport> {
    const usage = sampleProcess(gateway.pid, subject.tree);
    const exitCode = await this.stop(gateway);
    if (exitCode !== 0) this.results.notes.push(`${subject.label} exited with ${exitCode} on SIGTERM:\n${gateway.log().slice(-2000)}`);
    // Rows the gateway could not keep are logged one by one ("ledger row dropped", with a reason).
    const dropped = gateway.log().match(/"message":"ledger row (?:dropped|not written)"(?:,"reason":"([^"]*)")?/g) ?? [];
    const reasons = [...new Set(dropped.map((line) => /"reason":"([^"]*)"/.exec(line)?.[1] ?? 'no reason given'))];
    const report: InstanceReport = {
      target: subject,
      hwmMb: usage.hwmMb,
      maxProcessHwmMb: usage.maxProcessHwmMb,
      exitCode,
      ledger: countLedger(config.sqlite),
      droppedLogged: { count: dropped.length, reasons },
    };
    if (config.redisPrefix) report.redisKeys = await deleteRedisPrefix(this.options.redisUrl, config.redisPrefix).catch(() => undefined);
    return report;
  }

  /** Waits (up to maxWaitS) for every core to be under 15% busy; notes it when they never are. */
  async waitForQuiet(maxWaitS: number): Promise<void> {
    const deadline = Date.now() + maxWaitS * 1000;
    const show = (busy: number[]) => busy.map((value) => `${(value * 100).toFixed(0)}%`).join(' / ');
    let busy: number[] = [];
    for (;;) {
      const before = cpuJiffies();
      await sleep(1000);
      busy = busyFractions(before, cpuJiffies());
      if (Math.max(...busy) < 0.15) return;
      if (Date.now() >= deadline) break;
      this.log(`waiting for a quiet machine (cores ${show(busy)} busy)`);
    }
    const top = await busiestProcesses(1000);
    this.results.notes.push(
      `The machine was not idle when the bench started (cores ${show(busy)} busy after ${maxWaitS} s of waiting; busiest: ${top.join('; ')}). ` +
        'Rows with a high "other CPU" figure were measured against competing load.',
    );
  }

  /** A fresh process is slow for its first seconds (JIT, heap growth: page faults are dear here). */
  async warmUp(subject: Target): Promise<void> {
    this.log(`  ${subject.id}: ${this.settings.startWarmS} s of warm-up`);
    await saturate(subject, mustRequestOf(subject, 'chat'), { connections: this.settings.connections, durationS: this.settings.startWarmS });
  }

  /** One request first: a 4xx from a misconfigured bench must not pass for throughput. */
  async sanityCheck(subject: Target, scenario: ScenarioId): Promise<void> {
    const request = requestOf(subject, scenario);
    if (!request) return;
    const response = await fetch(subject.url + request.path, { method: request.method, headers: request.headers, body: request.body });
    const text = await response.text();
    subject.sent++;
    if (response.status !== 200) throw new Error(`${subject.label}, ${scenario}: HTTP ${response.status}: ${text.slice(0, 500)}`);
    if (subject.kind === 'tollgate' && !scenarioOf(scenario).unmetered && !response.headers.get('x-tollgate-cost-usd') && !text.includes('x-tollgate-cost-usd')) {
      throw new Error(`${subject.label}, ${scenario}: no x-tollgate-cost-usd: is metering on?`);
    }
  }
}
