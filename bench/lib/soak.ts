/**
 * bench/lib/soak.ts — `--soak S`: S seconds of mixed load at saturation on a fresh gateway
 * (in-process counters), its RSS and the ledger's backlog sampled every 5 s; is memory flat in
 * the second half, and does the ledger keep up?
 */
import type { Bench } from './bench.js';
import { countLedger } from './ledger.js';
import { maxThroughput } from './load.js';
import { sampleProcess } from './processes.js';
import type { SoakReport } from './results.js';
import { mustRequest, type ScenarioId } from './scenarios.js';

export const soakMix: ScenarioId[] = ['chat', 'stream', 'anthropic', 'prompt', 'chat', 'large'];

export async function soak(bench: Bench, fakeUrl: string, seconds: number): Promise<void> {
  const { settings } = bench;
  bench.log(`soak: ${seconds} s of mixed load, RSS sampled every 5 s`);
  const config = bench.config('soak', fakeUrl);
  const gateway = await bench.startTollgate(config, { cpus: settings.pinned ? settings.gatewayCpus : undefined });
  const subject = bench.target('soak', 'Tollgate, in-process counters (soak)', 'tollgate', gateway);
  await bench.warmUp(subject);
  let responses = subject.sent;
  const samples: SoakReport['samples'] = [];
  const began = Date.now();
  const timer = setInterval(() => {
    const rssMb = sampleProcess(gateway.pid).rssMb;
    // Rows can run ahead of the responses the client has processed: clamp at 0.
    samples.push({ atS: (Date.now() - began) / 1000, rssMb, ledgerBacklog: Math.max(0, responses - countLedger(config.sqlite).rows) });
  }, 5000);
  const mix = soakMix.map((scenario) => mustRequest(scenario, 'tollgate'));
  const result = await maxThroughput(subject.url, mix, { connections: settings.connections, durationS: seconds, onResponse: () => responses++ });
  clearInterval(timer);
  subject.sent += result.sent;
  const first = samples.filter((sample) => sample.atS <= seconds / 2);
  const second = samples.filter((sample) => sample.atS > seconds / 2);
  const instance = await bench.stopTollgate(gateway, subject, config);
  bench.results.soak = {
    durationS: seconds,
    requests: result.completed,
    rps: result.rps,
    errors: result.errors + result.non2xx,
    samples,
    firstHalfMaxMb: Math.max(...first.map((sample) => sample.rssMb)),
    secondHalfMaxMb: Math.max(...second.map((sample) => sample.rssMb)),
    secondHalfSlopeMbPerMin: slope(envelope(second)),
    maxBacklog: Math.max(0, ...samples.map((sample) => sample.ledgerBacklog)),
    instance,
  };
}

/**
 * The upper envelope of RSS: the highest sample of each minute (of each 15 s in runs under four
 * minutes). RSS is a sawtooth (the heap grows until a collection); a slope through every sample
 * says more about where the teeth fell than about growth, the slope of the peaks does not.
 */
function envelope(samples: SoakReport['samples']): Array<[number, number]> {
  const spanS = samples.length > 1 ? samples[samples.length - 1].atS - samples[0].atS : 0;
  const bucketS = spanS >= 240 ? 60 : 15;
  const peaks = new Map<number, number>();
  for (const sample of samples) {
    const bucket = Math.floor(sample.atS / bucketS);
    peaks.set(bucket, Math.max(peaks.get(bucket) ?? 0, sample.rssMb));
  }
  return [...peaks.entries()].map(([bucket, mb]) => [((bucket + 0.5) * bucketS) / 60, mb]);
}

/** Least-squares slope. */
function slope(points: Array<[number, number]>): number {
  if (points.length < 2) return NaN;
  const meanX = points.reduce((sum, [x]) => sum + x, 0) / points.length;
  const meanY = points.reduce((sum, [, y]) => sum + y, 0) / points.length;
  const covariance = points.reduce((sum, [x, y]) => sum + (x - meanX) * (y - meanY), 0);
  const variance = points.reduce((sum, [x]) => sum + (x - meanX) ** 2, 0);
  return variance > 0 ? covariance / variance : NaN;
}
