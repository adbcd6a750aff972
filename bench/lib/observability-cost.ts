/**
 * bench/lib/observability-cost.ts — what observability costs in throughput: Tollgate with metrics,
 * the access log and tracing all off, against the same with metrics on (target: ≥ 95% of the
 * throughput), with tracing on at 10% sampling (target: ≥ 90%), and with all of them on, in
 * alternating blocks of non-streamed chat (off, on, off, on...) so that a change in the
 * machine's speed hits both sides alike. Tracing exports OTLP over HTTP to a sink in this process
 * that counts the spans it receives.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Bench } from './bench.js';
import { alternate } from './measure.js';
import { sampleProcess, type Started } from './processes.js';
import type { ObservabilityCostRow } from './results.js';

interface Variant {
  id: string;
  label: string;
  config: Record<string, unknown>;
  tracing: boolean;
  /** The least share of the off-variant's throughput this variant must keep; undefined: shown only. */
  target?: number;
}

const accessLogOff = { access: { enabled: false } };
const variants: Variant[] = [
  { id: 'obs-off', label: 'metrics, access log and tracing off', config: { metrics: { enabled: false }, logs: accessLogOff }, tracing: false },
  { id: 'obs-metrics', label: 'metrics on', config: { logs: accessLogOff }, tracing: false, target: 0.95 },
  { id: 'obs-tracing', label: 'tracing on, 10% sampled', config: { metrics: { enabled: false }, logs: accessLogOff }, tracing: true, target: 0.9 },
  { id: 'obs-all', label: 'metrics, access log (stdout) and tracing (10%) on', config: {}, tracing: true },
];

async function startSpanSink(): Promise<{ url: string; spans(): number; close(): Promise<void> }> {
  let spans = 0;
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      spans += (body.match(/"spanId"/g) ?? []).length;
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans: () => spans,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export async function observabilityCost(bench: Bench, fakeUrl: string): Promise<void> {
  const sink = await startSpanSink();
  const started: Array<{ variant: Variant; gateway: Started }> = [];
  try {
    for (const variant of variants) {
      const config = bench.config(variant.id, fakeUrl, false, variant.config);
      const env: Record<string, string> = variant.tracing
        ? { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url, OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' }
        : {};
      started.push({ variant, gateway: await bench.startTollgate(config, { cpus: bench.settings.pinned ? bench.settings.gatewayCpus : undefined, env }) });
    }
    const [off, ...others] = started.map(({ variant, gateway }) => ({ variant, target: bench.target(variant.id, `Tollgate, ${variant.label}`, 'tollgate', gateway) }));
    for (const subject of [off, ...others]) await bench.sanityCheck(subject.target, 'chat');
    const blocks = bench.settings.quick ? 2 : 4;
    const blockS = bench.settings.quick ? 1 : 2;
    for (const other of others) {
      bench.log(`  observability cost: ${other.variant.label}, alternating with everything off, ${blocks} × ${blockS} s each`);
      const spansBefore = sink.spans();
      const before = [off.target, other.target].map((target) => ({ cpu: sampleProcess(target.pid).cpuSeconds, sent: target.sent }));
      const alternation = await alternate(off.target, other.target, 'chat', { blocks, blockS, warmS: bench.settings.warmS, connections: bench.settings.connections });
      // CPU time per request (warm-ups included on both sides): steadier than req/s on a busy machine.
      const [offCpuUs, onCpuUs] = [off.target, other.target].map((target, index) => ((sampleProcess(target.pid).cpuSeconds - before[index].cpu) * 1e6) / (target.sent - before[index].sent));
      const row: ObservabilityCostRow = {
        label: other.variant.label,
        offRps: alternation.aRps,
        onRps: alternation.bRps,
        ratios: alternation.ratios,
        target: other.variant.target,
        spansExported: other.variant.tracing ? sink.spans() - spansBefore : undefined,
        offCpuUs,
        onCpuUs,
      };
      bench.results.observability.push(row);
    }
  } finally {
    for (const { gateway } of started) await bench.stop(gateway);
    await sink.close();
  }
}
