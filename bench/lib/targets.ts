/**
 * bench/lib/targets.ts — the issue's targets, each checked against this run with PASS/FAIL and
 * the margin: throughput vs the plain proxy, added latency at the fixed rate, streaming time to
 * first byte and held-back chunks, memory, and whether the ledger keeps up.
 */
import { pacedChunkDelayMs, pacedChunks } from './gateway-config.js';
import { fmt, gatewayIds, pacedStats, pct, signed, spare, streamStats, throughputOf } from './report-stats.js';
import type { InstanceReport, Results } from './results.js';
import type { ScenarioId } from './scenarios.js';

export interface TargetCheck {
  target: string;
  subject: string;
  measured: string;
  pass: boolean | undefined;
  margin: string;
}

export function evaluateTargets(results: Results): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const row of results.observability) {
    if (row.target === undefined) continue;
    const ratio = row.onRps / row.offRps;
    checks.push({
      target: `Throughput with ${row.label} ≥ ${pct(row.target)} of all off`,
      subject: 'Tollgate',
      measured: `${fmt(row.onRps)} vs ${fmt(row.offRps)} req/s = ${pct(ratio)} (blocks ${row.ratios.map(pct).join(', ')})`,
      pass: Number.isFinite(ratio) ? ratio >= row.target : undefined,
      margin: ratio >= row.target ? `${((ratio - row.target) * 100).toFixed(1)} points to spare` : `short by ${((row.target - ratio) * 100).toFixed(1)} points`,
    });
  }
  const plainChat = throughputOf(results, 'chat', 'plain');
  const directFixed = results.fixedRate.find((row) => row.target.id === 'direct');
  const holdBackLimitMs = pacedChunkDelayMs / 2;
  for (const id of gatewayIds) {
    const chat = throughputOf(results, 'chat', id);
    if (!chat) continue;
    const label = chat.target.label;
    // The alternating blocks when there are some (drift cancels out), else the two separate runs.
    const paired = results.alternations.find((alternation) => alternation.b.id === id);
    const ratio = paired ? paired.bRps / paired.aRps : plainChat ? chat.result.rps / plainChat.result.rps : NaN;
    const contended = chat.usage.otherCores > 0.3 ? ` (**other load: ${fmt(chat.usage.otherCores, 2)} cores**)` : '';
    const separate = plainChat ? `; separate runs: ${pct(chat.result.rps / plainChat.result.rps)}${contended}` : '';
    checks.push({
      target: 'Non-streamed throughput ≥ 60% of the plain proxy',
      subject: label,
      measured: paired
        ? `alternating: ${fmt(paired.bRps)} vs ${fmt(paired.aRps)} req/s = ${pct(ratio)} (blocks ${paired.ratios.map(pct).join(', ')})${separate}`
        : `${fmt(chat.result.rps)} vs ${fmt(plainChat?.result.rps ?? NaN)} req/s = ${pct(ratio)}`,
      pass: Number.isFinite(ratio) ? ratio >= 0.6 : undefined,
      margin: !Number.isFinite(ratio) ? '–' : ratio >= 0.6 ? `${((ratio - 0.6) * 100).toFixed(0)} points to spare` : `short by ${((0.6 - ratio) * 100).toFixed(0)} points`,
    });
    const fixed = results.fixedRate.find((row) => row.target.id === id);
    const base = fixed?.baseline ?? directFixed?.result;
    if (fixed && base) {
      const added50 = fixed.result.p50 - base.p50;
      const added99 = fixed.result.p99 - base.p99;
      const contended = fixed.usage.otherCores > 0.3 ? `; **other load on the machine: ${fmt(fixed.usage.otherCores, 2)} cores**` : '';
      const share = ` (${pct(fixed.result.rate / chat.result.rps)} of its max throughput${contended})`;
      const gc = fixed.usage.gc ? `; GC: ${fixed.usage.gc.over3ms} pauses ≥ 3 ms, longest ${fmt(fixed.usage.gc.maxMs, 1)} ms` : '';
      checks.push({
        target: `Added latency at ${results.settings.rate} req/s, p50 ≤ 0.5 ms`,
        subject: label,
        measured: `${fmt(fixed.result.p50, 3)} − ${fmt(base.p50, 3)} = ${fmt(added50, 3)} ms${share}`,
        pass: added50 <= 0.5,
        margin: spare(0.5 - added50, 'ms', 3),
      });
      checks.push({
        target: `Added latency at ${results.settings.rate} req/s, p99 ≤ 3 ms`,
        subject: label,
        measured: `${fmt(fixed.result.p99, 3)} − ${fmt(base.p99, 3)} = ${fmt(added99, 3)} ms${share}${gc}`,
        pass: added99 <= 3,
        margin: spare(3 - added99, 'ms', 3),
      });
    }
    for (const scenario of ['stream', 'anthropic-stream'] as ScenarioId[]) {
      const mine = streamStats(results.streams.find((row) => row.scenario === scenario && row.target.id === id));
      const base = streamStats(results.streams.find((row) => row.scenario === scenario && row.target.id === 'direct'));
      if (mine.count === 0 || base.count === 0) continue;
      const added = mine.ttfbP50 - base.ttfbP50;
      checks.push({
        target: `Streaming: added time to first byte ≤ 1 ms (p50; ${scenario === 'stream' ? 'OpenAI-compatible' : 'Anthropic translation'})`,
        subject: label,
        measured: `${fmt(mine.ttfbP50, 3)} − ${fmt(base.ttfbP50, 3)} = ${fmt(added, 3)} ms (p99 added ${fmt(mine.ttfbP99 - base.ttfbP99, 2)} ms)`,
        pass: added <= 1,
        margin: spare(1 - added, 'ms', 3),
      });
    }
    for (const row of results.paced.filter((other) => other.target.id === id)) {
      const stats = pacedStats(results, row);
      checks.push({
        target: `Streaming: chunks never held back (${row.scenario === 'paced' ? 'OpenAI-compatible' : 'Anthropic translation'})`,
        subject: label,
        measured:
          `${stats.allChunks ? 'all' : `${stats.minContentEvents}–${stats.maxContentEvents} of`} ${pacedChunks} chunks; ` +
          `per-chunk delay vs direct varies by ${fmt(stats.heldBackMs, 2)} ms (min delay ${fmt(stats.minDelayMs, 2)} ms)`,
        pass: stats.allChunks && stats.heldBackMs <= holdBackLimitMs,
        margin: `limit ${holdBackLimitMs} ms (half the ${pacedChunkDelayMs} ms pacing)`,
      });
    }
    const instance = results.instances.find((other) => other.target.id === id);
    if (instance) {
      const peak = Math.max(instance.target.peakRssMb, instance.hwmMb);
      checks.push({
        target: 'RSS ≤ 150 MB under load',
        subject: label,
        measured: `peak VmRSS sampled ${fmt(instance.target.peakRssMb)} MB, VmHWM ${fmt(instance.hwmMb)} MB`,
        pass: peak <= 150,
        margin: spare(150 - peak, 'MB', 0),
      });
      checks.push(ledgerCheck(instance));
    }
  }
  if (results.soak) {
    const soak = results.soak;
    const flat = soak.secondHalfMaxMb <= soak.firstHalfMaxMb * 1.05 && soak.secondHalfSlopeMbPerMin <= 1;
    checks.push({
      target: `RSS flat over the soak (second-half peak ≤ first-half peak + 5%; peaks rising ≤ 1 MB/min in the second half)`,
      subject: soak.instance.target.label,
      measured: `peaks ${fmt(soak.firstHalfMaxMb)} → ${fmt(soak.secondHalfMaxMb)} MB, second-half peaks ${signed(soak.secondHalfSlopeMbPerMin, 2)} MB/min over ${soak.durationS} s`,
      pass: flat,
      margin: spare(soak.firstHalfMaxMb * 1.05 - soak.secondHalfMaxMb, 'MB', 1),
    });
    checks.push({
      target: 'RSS ≤ 150 MB over the soak',
      subject: soak.instance.target.label,
      measured: `max ${fmt(Math.max(soak.firstHalfMaxMb, soak.secondHalfMaxMb))} MB, VmHWM ${fmt(soak.instance.hwmMb)} MB`,
      pass: Math.max(soak.firstHalfMaxMb, soak.secondHalfMaxMb, soak.instance.hwmMb) <= 150,
      margin: spare(150 - Math.max(soak.firstHalfMaxMb, soak.secondHalfMaxMb, soak.instance.hwmMb), 'MB', 0),
    });
    checks.push({
      target: 'Ledger keeps up over the soak (largest backlog ≤ 1 s of traffic; every row written)',
      subject: soak.instance.target.label,
      measured: `largest backlog ${soak.maxBacklog} rows at ${fmt(soak.rps)} req/s; ${soak.instance.ledger.rows} rows for ${soak.instance.target.sent} requests`,
      pass: soak.maxBacklog <= soak.rps && soak.instance.ledger.rows === soak.instance.target.sent,
      margin: '–',
    });
  } else {
    checks.push({
      target: 'RSS flat over a 10-minute run',
      subject: '–',
      measured: 'not measured in this run: `npm run bench -- --soak 600`',
      pass: undefined,
      margin: '–',
    });
  }
  return checks;
}

function ledgerCheck(instance: InstanceReport): TargetCheck {
  const rows = instance.ledger.rows;
  const sent = instance.target.sent;
  const topRate = instance.topRate ?? NaN;
  const keepsUp = (instance.backlogAtEnd ?? Infinity) <= topRate * 0.5 && (instance.backlogAfter1s ?? Infinity) <= 0;
  return {
    target: 'Ledger keeps up at the top rate (backlog ≤ 0.5 s of traffic, 0 after 1 s; one row per request)',
    subject: instance.target.label,
    measured: `backlog ${instance.backlogAtEnd ?? '–'} → ${instance.backlogAfter1s ?? '–'} rows at ${fmt(topRate)} req/s; ${rows} rows for ${sent} requests`,
    pass: keepsUp && rows === sent,
    margin:
      rows === sent
        ? '–'
        : `${Math.abs(rows - sent)} rows ${rows < sent ? 'missing' : 'too many'}` +
          (instance.droppedLogged?.count
            ? `; the gateway logged ${instance.droppedLogged.count} "ledger row dropped" (${instance.droppedLogged.reasons.join(', ')})`
            : ''),
  };
}
