/**
 * bench/lib/report.ts — the tables, the targets with PASS/FAIL, and docs/benchmarks.md.
 *
 * The markdown keeps whatever sits between `<!-- hot-path:start -->` and `<!-- hot-path:end -->`
 * in the previous file: that part is written by people, not by the bench.
 */
import { pacedChunkDelayMs, pacedChunks } from './gateway-config.js';
import { formatProfile } from './profile-summary.js';
import { fmt, pacedStats, pct, signed, streamStats, table, throughputOf } from './report-stats.js';
import type { Results } from './results.js';
import { scenario as scenarioOf, titleOf } from './scenarios.js';
import { evaluateTargets } from './targets.js';

function roundsTables(results: Results): string {
  const parts: string[] = [];
  const scenarios = [...new Set(results.rounds.map((row) => row.scenario))];
  for (const scenario of scenarios) {
    const rows = results.rounds.filter((row) => row.scenario === scenario);
    const floor = rows.find((row) => row.target.id === 'floor');
    const goal = scenarioTarget(scenario);
    parts.push(
      `#### ${titleOf(scenario)}${goal ? ` (target: Tollgate ≥ ${goal} × the floor)` : ''}\n\n` +
        table(
          ['Target', 'req/s', 'vs floor: median (spread)', 'block by block', 'CPU µs/req', 'CPU ratio (floor µs / its µs)', 'req/s per core (CPU)', 'RSS max MB', 'errors'],
          rows.map((row) => [
            row.target.label,
            fmt(row.rps),
            row.target.id === 'floor' ? '1' : `${row.medianRatio.toFixed(2)} (${fmt(Math.min(...row.ratios), 2)}–${fmt(Math.max(...row.ratios), 2)})`,
            row.blocks.map((block) => fmt(block.rps)).join(', '),
            fmt(row.cpuUsPerRequest),
            floor && row !== floor ? row.cpuRatio.toFixed(2) : '–',
            fmt(1e6 / row.cpuUsPerRequest),
            fmt(results.throughput.find((other) => other.scenario === scenario && other.target === row.target)?.usage.rssMaxMb ?? NaN),
            String(row.errors),
          ]),
        ),
    );
  }
  return parts.length > 0 ? parts.join('\n\n') : 'Not measured in this run.';
}

function scenarioTarget(id: string): number | undefined {
  try {
    return scenarioOf(id).target;
  } catch {
    return undefined;
  }
}

function fixedRateTable(results: Results): string {
  const direct = results.fixedRate.find((row) => row.target.id === 'direct');
  const rows = results.fixedRate.map(({ target, result, usage, baseline }) => {
    const base = baseline ?? direct?.result;
    return [
      target.label,
      fmt(result.achievedRate),
      pct(result.rate / (throughputOf(results, 'chat', target.id)?.result.rps ?? NaN)),
      `${fmt(result.p50, 3)} / ${fmt(result.p90, 3)} / ${fmt(result.p99, 3)}`,
      fmt(result.max, 2),
      target.id === 'direct' || !base ? '–' : `${fmt(base.p50, 3)} / ${fmt(base.p90, 3)} / ${fmt(base.p99, 3)}`,
      target.id === 'direct' || !base
        ? '–'
        : `${signed(result.p50 - base.p50, 3)} / ${signed(result.p90 - base.p90, 3)} / ${signed(result.p99 - base.p99, 3)}`,
      fmt(usage.cpuUsPerRequest),
      usage.gc ? `${usage.gc.count} / ${usage.gc.over3ms} / ${fmt(usage.gc.maxMs, 1)}` : '–',
      fmt(usage.otherCores, 2),
      String(result.failed),
      fmt(result.sendLagP99, 2),
    ];
  });
  return table(
    [
      'Target',
      'achieved req/s',
      'rate / its max throughput',
      'p50 / p90 / p99 ms',
      'max ms',
      'direct, just before: p50 / p90 / p99 ms',
      'added p50 / p90 / p99 ms',
      'CPU µs/req',
      'GC pauses: all / ≥ 3 ms / longest ms',
      'other CPU (cores)',
      'failed',
      'client send lag p99 ms',
    ],
    rows,
  );
}

function streamTable(results: Results): string {
  const rows = results.streams.map((row) => {
    const stats = streamStats(row);
    const base = streamStats(results.streams.find((other) => other.scenario === row.scenario && other.target.id === 'direct'));
    return [
      row.target.label,
      row.scenario === 'stream' ? 'OpenAI-compatible' : 'Anthropic',
      String(stats.count),
      `${fmt(stats.ttfbP50, 3)} / ${fmt(stats.ttfbP99, 3)}`,
      row.target.id === 'direct' ? '–' : `${signed(stats.ttfbP50 - base.ttfbP50, 3)} / ${signed(stats.ttfbP99 - base.ttfbP99, 3)}`,
      fmt(stats.totalP50, 2),
      `${fmt(stats.dataEvents)} / ${fmt(stats.contentEvents)}`,
      String(stats.failed),
    ];
  });
  return table(['Target', 'scenario', 'streams', 'TTFB p50 / p99 ms', 'added TTFB p50 / p99 ms', 'total p50 ms', 'data: lines / text chunks (median)', 'failed'], rows);
}

function pacedTable(results: Results): string {
  const rows = results.paced.map((row) => {
    const stats = pacedStats(results, row);
    return [
      row.target.label,
      row.scenario === 'paced' ? 'OpenAI-compatible' : 'Anthropic',
      `${stats.minContentEvents === stats.maxContentEvents ? stats.minContentEvents : `${stats.minContentEvents}–${stats.maxContentEvents}`} of ${pacedChunks}`,
      `${fmt(stats.spreadMs, 1)} (direct ${fmt(stats.directSpreadMs, 1)})`,
      row.target.id === 'direct' ? '–' : `${fmt(stats.minDelayMs, 2)} / ${fmt(stats.heldBackMs, 2)}`,
    ];
  });
  return table(['Target', 'scenario', 'text chunks received', 'first → last chunk ms (median)', 'delay vs direct: smallest / spread ms'], rows);
}

function instanceTable(results: Results): string {
  const rows = results.instances.map((instance) => [
    instance.target.label,
    fmt(instance.startRssMb ?? NaN),
    fmt(instance.target.peakRssMb),
    fmt(instance.hwmMb),
    String(instance.target.sent),
    String(instance.ledger.rows),
    Object.entries(instance.ledger.byStatus)
      .map(([status, count]) => `${status}: ${count}`)
      .join(', '),
    `${instance.backlogAtEnd ?? '–'} → ${instance.backlogAfter1s ?? '–'}`,
    instance.droppedLogged ? `${instance.droppedLogged.count}${instance.droppedLogged.count ? ` (${instance.droppedLogged.reasons.join(', ')})` : ''}` : '–',
    String(instance.exitCode),
    instance.redisKeys === undefined ? '–' : String(instance.redisKeys),
  ]);
  return table(
    ['Gateway', 'VmRSS at start MB', 'peak VmRSS under load MB', 'VmHWM MB', 'requests sent', 'ledger rows', 'rows by status', 'ledger backlog after the top-rate run → 1 s later', 'rows the gateway logged as dropped', 'exit code (SIGTERM)', 'Redis keys left'],
    rows,
  );
}

function clusterSection(results: Results): string {
  const { cluster } = results;
  const alternation = cluster.alternation;
  if (!alternation) return cluster.note;
  return (
    `${cluster.note}\n\n` +
    table(
      ['', 'one process req/s', `--workers ${cluster.workers} req/s`, 'multiple', 'block by block', 'CPU µs/req: one / cluster (all processes)'],
      [[
        'Non-streamed chat',
        fmt(alternation.aRps),
        fmt(alternation.bRps),
        `${(alternation.bRps / alternation.aRps).toFixed(2)} ×`,
        alternation.ratios.map((ratio) => ratio.toFixed(2)).join(', '),
        `${fmt(alternation.cpuUs[0])} / ${fmt(alternation.cpuUs[1])}`,
      ]],
    )
  );
}

function memoryTable(results: Results): string {
  if (!results.idle) return '';
  return table(['Process', 'VmRSS once started MB', 'highest VmRSS sampled under load MB'], results.idle.map((row) => [row.label, fmt(row.rssMb), fmt(row.peakMb)]));
}

function soakSection(results: Results): string {
  const soak = results.soak;
  if (!soak) return 'Not run. `npm run bench -- --soak 600` adds a 10-minute mixed-load run on a fresh gateway, sampling RSS every 5 s.';
  const everyMinute = soak.samples.filter((_, index) => index % 12 === 11 || index === soak.samples.length - 1);
  return [
    `${soak.durationS} s of mixed load (chat, streamed chat, Anthropic, prompt, chat, 100 KB prompt; ${'autocannon'} ${results.settings.connections} connections) on a fresh gateway with in-process counters: ` +
      `${soak.requests} requests, ${fmt(soak.rps)} req/s, ${soak.errors} errors.`,
    '',
    `RSS: first-half peak ${fmt(soak.firstHalfMaxMb, 1)} MB, second-half peak ${fmt(soak.secondHalfMaxMb, 1)} MB, per-minute peaks in the second half ${signed(soak.secondHalfSlopeMbPerMin, 2)} MB/min; ` +
      `VmHWM ${fmt(soak.instance.hwmMb, 1)} MB. Largest ledger backlog ${soak.maxBacklog} rows; ${soak.instance.ledger.rows} rows for ${soak.instance.target.sent} requests.`,
    '',
    table(['at s', 'RSS MB', 'ledger backlog rows'], everyMinute.map((sample) => [fmt(sample.atS), fmt(sample.rssMb, 1), String(sample.ledgerBacklog)])),
  ].join('\n');
}

function targetsTable(results: Results): string {
  return table(
    ['Target', 'Gateway', 'Measured', 'Result', 'Margin'],
    evaluateTargets(results).map((check) => [check.target, check.subject, check.measured, check.pass === undefined ? 'not run' : check.pass ? 'PASS' : '**FAIL**', check.margin]),
    ['---', '---', '---', '---', '---'],
  );
}

function setup(results: Results): string {
  const s = results.settings;
  const loadGenerator =
    results.loadGenerator === 'wrk'
      ? `wrk (${s.connections} keep-alive connections, one thread per load core; whole-second blocks)`
      : `autocannon (${s.connections} keep-alive connections; wrk was not found, \`apt-get install wrk\` for the C load generator)`;
  return [
    `- **CPU µs per request is the figure to trust.** Every core of this machine is shared with other work (about six other engineers' test runs ` +
      'while these figures were taken), so req/s moves with whatever else runs; a process\'s own CPU time (user + system, from /proc/<pid>/stat) ' +
      'per completed request barely does. The throughput targets are judged on the CPU ratio (the floor\'s µs/req over Tollgate\'s: the ' +
      'throughput ratio each would reach with a core to itself); the req/s ratios of the same rounds are shown beside it.',
    `- Processes: the fake upstream (\`bench/fake-upstream.ts\`, raw \`node:http\`, precomputed answers, ${s.chunks} chunks per stream) and the load ` +
      `generator on core ${s.loadCpus}; on core ${s.gatewayCpus} (${s.pinned ? '`taskset -c`' : 'not pinned'}), all started at once and each idle while ` +
      'another is measured: the thin floor (`bench/thin-proxy.ts`: node:http, the body read into one Buffer, an undici Pool with keep-alive to the one ' +
      'origin, status and content-type written back, body chunks written as they arrive), Tollgate with in-process quota counters, Tollgate with Redis ' +
      'counters, nginx (`proxy_pass` to a keep-alive upstream, one worker, no buffering: the native ceiling) and the Portkey gateway ' +
      '(`@portkey-ai/gateway`, installed at bench time outside the project, `x-portkey-provider` + `x-portkey-custom-host` pointing at the fake). ' +
      'The fake and the floor run as type-stripped JavaScript under plain `node`; Redis, when used, is not pinned.',
    `- Tollgate runs \`node ${s.gatewayFlags.length > 0 ? `${s.gatewayFlags.join(' ')} ` : ''}dist/src/cli/main.js serve\` ` +
      `(${s.gatewayFlags.length > 0 ? 'its V8 settings, as \`npm start\` and the \`tollgate\` command run it: src/cli/runtime-flags.ts' : 'without its V8 settings: --no-gateway-flags'}) ` +
      'with every feature on: a tenant key (auth), requests/tokens/cost quotas per minute, day and month (reserved and settled on every call), ' +
      'priced models (metering, `x-tollgate-cost-usd`), the SQLite ledger (one row per call), Prometheus metrics, the access log (stdout), prompt files watched.',
    `- Throughput: ${loadGenerator}. Each scenario runs ${s.rounds} rounds; a round is one ${s.blockS} s block per target, the floor first, so each ` +
      'ratio is against the floor\'s block of the same round; the table gives the median ratio and the spread (lowest–highest). ' +
      'Every process gets a warm-up of non-streamed chat once up and 1 s of each scenario before its rounds.',
    `- Added latency: the bench's own open-loop client (undici Pool, \`process.hrtime.bigint()\`; wrk 4 has no fixed-rate mode), ${s.rate} req/s for ${s.fixedS} s ` +
      `after ${s.fixedWarmS} s of warm-up; added = the target's percentile − the percentile of the fake called directly at the same rate just before ` +
      '(paired, so drift cancels out). The client shares core 1 with the fake, so the direct p99 carries its scheduling noise; "client send lag" shows how late it sent.',
    `- Time to first byte: streamed requests at ${s.streamRate}/s for ${s.streamS} s (first body byte, after 5 unmeasured). Chunk timing: ${s.pacedCount} streams one at a time ` +
      `from a fake that writes ${pacedChunks} text chunks ${pacedChunkDelayMs} ms apart; each chunk's arrival is compared with the fake called directly: a delay common to ` +
      'every chunk is latency, a spread in the delays means a chunk was held back.',
    '- Every Node process under test runs with `--trace-gc`; the bench reads its GC pauses (V8\'s own figure for each pause) to show how much of a latency tail is garbage collection.',
    '- Ledger: after the runs each gateway gets SIGTERM and the rows of its `calls` table are counted against every request the bench sent it (warm-ups included; ' +
      'wrk stops with a request in flight on each connection, which may or may not have become a row).',
  ].join('\n');
}

function observabilityTable(results: Results): string {
  if (results.observability.length === 0) return 'Not measured in this run.';
  const rows = results.observability.map((row) => {
    const ratio = row.onRps / row.offRps;
    return [
      `Tollgate, ${row.label}`,
      fmt(row.offRps),
      fmt(row.onRps),
      pct(ratio),
      row.ratios.map(pct).join(', '),
      row.target === undefined ? '–' : `≥ ${pct(row.target)}: ${ratio >= row.target ? 'PASS' : 'FAIL'}`,
      `${fmt(row.offCpuUs)} → ${fmt(row.onCpuUs)} (${signed(((row.onCpuUs - row.offCpuUs) / row.offCpuUs) * 100, 1)}%)`,
      row.spansExported === undefined ? '–' : String(row.spansExported),
    ];
  });
  return (
    'Non-streamed chat: Tollgate with metrics, the access log and tracing off, alternating with the same gateway with each of them on ' +
    '(4 blocks each; all variants run at once, pinned to the gateway core, idle when not measured). Tracing exports OTLP/HTTP to a sink in the bench process.\n\n' +
    table(['Gateway', 'all off req/s', 'with it req/s', 'with / off', 'block by block', 'target', 'CPU µs/req off → on', 'spans exported'], rows)
  );
}

export function renderTables(results: Results): string {
  return [
    '### Targets',
    targetsTable(results),
    '### Throughput against the thin floor',
    roundsTables(results),
    '### What observability costs',
    observabilityTable(results),
    `### Added latency at ${results.settings.rate} req/s (non-streamed chat)`,
    fixedRateTable(results),
    '### Streaming: time to first byte',
    streamTable(results),
    '### Streaming: are chunks forwarded as they arrive?',
    pacedTable(results),
    '### Memory and the ledger',
    memoryTable(results),
    instanceTable(results),
    '### Using every core',
    clusterSection(results),
    '### Soak',
    soakSection(results),
  ].join('\n\n');
}

export function renderObservabilityConsole(results: Results): string {
  const notes = results.notes.length > 0 ? `\nNotes:\n${results.notes.map((note) => `- ${note}`).join('\n')}\n` : '';
  return `${observabilityHeading}\n\n${observabilityTable(results)}\n${notes}`;
}

export function renderConsole(results: Results): string {
  const notes = results.notes.length > 0 ? `\nNotes:\n${results.notes.map((note) => `- ${note}`).join('\n')}\n` : '';
  return `${renderTables(results)}\n${notes}`;
}

const hotPathStart = '<!-- hot-path:start -->';
const hotPathEnd = '<!-- hot-path:end -->';
const hotPathPlaceholder =
  '_To be filled by the hot-path work: what the profile shows, what was changed, and the before/after numbers. ' +
  'This part (between the hot-path markers) is kept when `npm run bench` rewrites this file._';

function between(text: string | undefined, start: string, end: string): string | undefined {
  if (!text || !text.includes(start) || !text.includes(end)) return undefined;
  return text.slice(text.indexOf(start) + start.length, text.indexOf(end)).trim();
}

const profileStart = '<!-- profile:start -->';
const profileEnd = '<!-- profile:end -->';
const noProfile =
  'No profile yet. `npm run bench -- --profile-only` writes one here (non-streamed chat; `--profile-scenario stream|anthropic|prompt|large` ' +
  'for another), or by hand: `taskset -c 0 node --cpu-prof --cpu-prof-dir=/tmp/prof dist/src/cli/main.js serve --config CONFIG --port PORT`, ' +
  'load it, stop it with SIGTERM, then `npx tsx bench/lib/profile-summary.ts /tmp/prof/*.cpuprofile`.';

function renderProfile(results: Results): string | undefined {
  const p = results.profile;
  if (!p) return undefined;
  return [
    `Profile of ${results.startedAt.toISOString()} (\`${results.command}\`; the file: \`${p.file}\`). ${p.command}.`,
    '',
    `**At saturation** (${fmt(p.rps)} req/s under the profiler, "${titleOf(p.scenario)}"):`,
    '',
    formatProfile(p.saturation),
    '',
    `**At ${p.fixedRate.result.rate} req/s** (p50 ${fmt(p.fixedRate.result.p50, 3)} ms, p99 ${fmt(p.fixedRate.result.p99, 3)} ms under the profiler): ` +
      `the event loop was blocked ≥ 3 ms ${p.blocked.count} times (median ${fmt(p.blocked.p50Ms, 1)} ms, longest ${fmt(p.blocked.longestMs, 1)} ms, ` +
      `${fmt(p.blocked.totalMs)} ms in all)` +
      (p.fixedRate.usage.gc
        ? `; GC meanwhile: ${p.fixedRate.usage.gc.count} pauses, ${p.fixedRate.usage.gc.over3ms} of them ≥ 3 ms, longest ${fmt(p.fixedRate.usage.gc.maxMs, 1)} ms`
        : '') +
      '. What ran during those stretches:',
    '',
    formatProfile(p.blocked.summary),
  ].join('\n');
}

/** `--profile-only` into an existing report: only its profile part changes. */
export function replaceProfile(results: Results, previous: string): string | undefined {
  const profile = renderProfile(results);
  if (!profile || between(previous, profileStart, profileEnd) === undefined) return undefined;
  return previous.slice(0, previous.indexOf(profileStart) + profileStart.length) + `\n${profile}\n` + previous.slice(previous.indexOf(profileEnd));
}

export function renderMarkdown(results: Results, previous?: string): string {
  const kept = between(previous, hotPathStart, hotPathEnd) ?? hotPathPlaceholder;
  const profile = renderProfile(results) ?? between(previous, profileStart, profileEnd) ?? noProfile;
  const m = results.machine;
  const elapsed = results.finishedAt ? ` (took ${((results.finishedAt.getTime() - results.startedAt.getTime()) / 1000).toFixed(0)} s)` : '';
  return `# Benchmarks

Written by \`npm run bench\` (\`bench/run.ts\`); re-run it to refresh this page. \`npm run bench\` builds, then takes about fifteen minutes;
\`-- --quick\` about three (a smoke test); \`-- --soak 600\` adds ten minutes of mixed load watching memory; \`-- --profile\` adds a CPU profile
(\`-- --profile-only [--profile-scenario chat|stream|anthropic|prompt|large|rest] [--profile-redis]\` runs just that and rewrites only the profile part below);
\`-- --help\` lists every flag.

- **Date**: ${results.startedAt.toISOString()}${elapsed}
- **Command**: \`${results.command}\`${results.settings.quick ? ' — a quick run: short measurements, low precision' : ''}
- **Machine**: ${m.cpu}, ${m.cores} cores, ${m.ramGb.toFixed(1)} GB RAM; Node ${m.node}; ${m.os}; a minor page fault costs ${m.pageFaultUs.toFixed(1)} µs here
  (first write to 32 MB of fresh memory vs a second write; bare metal is well under 1 µs — V8's scavenges re-fault new-space pages, so this sets their pauses)${results.settings.nodeFlags ? `
- **Extra Node flags** (Tollgate and the thin floor): \`${results.settings.nodeFlags}\`` : ''}

## Setup

${setup(results)}
${results.notes.length > 0 ? `\nNotes from this run:\n\n${results.notes.map((note) => `- ${note.replace(/\n/g, ' ')}`).join('\n')}\n` : ''}
## Results

"vs floor" is a target's throughput over the thin floor's in the same round (median of the rounds, and the spread); "CPU ratio" is the
floor's CPU µs per request over the target's, the figure the throughput targets are judged on. "other CPU" (fixed-rate rows) is busy CPU
time, in cores, not charged to the bench's processes: other programs on the machine; well above 0.1 means the row was measured against
competing load.

${renderTables(results)}

## Hot path and profile

${hotPathStart}
${kept}
${hotPathEnd}

${profileStart}
${profile}
${profileEnd}
`;
}

const observabilityHeading = '### What observability costs';

/**
 * `--observability-only` into an existing report: only that section changes (inserted after the
 * headline when the report has none yet), with the run's date and command.
 */
export function replaceObservability(results: Results, previous: string): string {
  const notes = results.notes.map((note) => `- ${note}`).join('\n');
  const section = `${observabilityHeading}\n\nMeasured ${results.startedAt.toISOString()} with \`${results.command}\`.\n\n${observabilityTable(results)}\n\n${notes ? `${notes}\n\n` : ''}`;
  const start = previous.indexOf(observabilityHeading);
  if (start >= 0) {
    const next = previous.indexOf('\n### ', start + observabilityHeading.length);
    return previous.slice(0, start) + section + (next >= 0 ? previous.slice(next + 1) : '');
  }
  const anchor = previous.indexOf('### Throughput at saturation');
  return anchor >= 0 ? previous.slice(0, anchor) + section + previous.slice(anchor) : `${previous}\n${section}`;
}
