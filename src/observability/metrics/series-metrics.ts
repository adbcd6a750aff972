/**
 * @module observability/metrics/series-metrics
 * A prom-client Counter and Histogram whose label sets are resolved once and then updated as plain
 * numbers: `series(labels)` hands back an object the request path keeps (in a map keyed by its
 * label values), and `inc`/`observe` on it is an addition and a bucket search. prom-client's own
 * `labels(...).observe()` validates and hashes every label on every call (about 2 µs for seven
 * labels, measured here), and a call updates about ten series: that alone would be 5% of a call's
 * CPU at saturation. prom-client still does everything else — the registry, the text encoding,
 * default metrics and the cluster aggregation — from what `get()` returns, in its own format.
 */
import { Counter, Gauge, Histogram, type Aggregator } from 'prom-client';

type Labels = Record<string, string>;

interface MetricDescription {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram';
  aggregator: Aggregator;
}

export class HistogramSeries {
  /** counts[i]: observations in (bounds[i-1], bounds[i]]; the last slot is above every bound. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(
    readonly labels: Labels,
    private readonly bounds: readonly number[],
  ) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(value: number): void {
    const bounds = this.bounds;
    let index = 0;
    while (index < bounds.length && value > bounds[index]) index++;
    this.counts[index]++;
    this.sum += value;
    this.count++;
  }
}

export class CounterSeries {
  value = 0;
  constructor(readonly labels: Labels) {}

  inc(amount = 1): void {
    this.value += amount;
  }

  dec(amount = 1): void {
    this.value -= amount;
  }
}

interface SeriesHistogramConfig {
  name: string;
  help: string;
  labelNames: readonly string[];
  buckets: readonly number[];
  aggregator?: Aggregator;
}

/** A histogram whose label sets are `HistogramSeries` objects (see the module comment). */
export class SeriesHistogram extends Histogram<string> {
  private readonly all: HistogramSeries[] = [];
  private readonly bounds: readonly number[];
  private readonly description: MetricDescription;

  constructor(config: SeriesHistogramConfig) {
    const aggregator = config.aggregator ?? 'sum';
    super({ name: config.name, help: config.help, labelNames: [...config.labelNames], buckets: [...config.buckets], registers: [], aggregator });
    this.bounds = [...config.buckets].sort((a, b) => a - b);
    this.description = { name: config.name, help: config.help, type: 'histogram', aggregator };
  }

  /** A new series; the caller keeps it (one per label set: calling twice makes two). */
  series(labels: Labels): HistogramSeries {
    const series = new HistogramSeries(Object.freeze({ ...labels }), this.bounds);
    this.all.push(series);
    return series;
  }

  override async get() {
    const { name } = this.description;
    const values: Array<{ labels: Record<string, string | number>; value: number; metricName: string }> = [];
    for (const series of this.all) {
      let cumulative = 0;
      for (let index = 0; index < this.bounds.length; index++) {
        cumulative += series.counts[index];
        values.push({ labels: { ...series.labels, le: this.bounds[index] }, value: cumulative, metricName: `${name}_bucket` });
      }
      values.push({ labels: { ...series.labels, le: '+Inf' }, value: series.count, metricName: `${name}_bucket` });
      values.push({ labels: series.labels, value: series.sum, metricName: `${name}_sum` });
      values.push({ labels: series.labels, value: series.count, metricName: `${name}_count` });
    }
    return { ...this.description, values } as unknown as Awaited<ReturnType<Histogram<string>['get']>>;
  }

  /** What prom-client's registry reads when it writes the text format. */
  getForPromString() {
    return this.get();
  }

  override reset(): void {
    // prom-client's constructor calls reset() before this class's fields exist.
    for (const series of this.all ?? []) {
      series.counts.fill(0);
      series.sum = 0;
      series.count = 0;
    }
  }
}

/** A counter whose label sets are `CounterSeries` objects (see the module comment). */
export class SeriesCounter extends Counter<string> {
  private readonly all: CounterSeries[] = [];
  private readonly description: MetricDescription;

  constructor(config: { name: string; help: string; labelNames: readonly string[] }) {
    super({ name: config.name, help: config.help, labelNames: [...config.labelNames], registers: [] });
    this.description = { name: config.name, help: config.help, type: 'counter', aggregator: 'sum' };
  }

  series(labels: Labels): CounterSeries {
    const series = new CounterSeries(Object.freeze({ ...labels }));
    this.all.push(series);
    return series;
  }

  override async get() {
    const values = this.all.map((series) => ({ labels: series.labels, value: series.value }));
    return { ...this.description, values } as unknown as Awaited<ReturnType<Counter<string>['get']>>;
  }

  override reset(): void {
    for (const series of this.all ?? []) series.value = 0;
  }
}

/** A gauge whose label sets are `CounterSeries` objects moved up and down (see the module comment). */
export class SeriesGauge extends Gauge<string> {
  private readonly all: CounterSeries[] = [];
  private readonly description: MetricDescription;

  constructor(config: { name: string; help: string; labelNames: readonly string[]; aggregator?: Aggregator }) {
    const aggregator = config.aggregator ?? 'sum';
    super({ name: config.name, help: config.help, labelNames: [...config.labelNames], registers: [], aggregator });
    this.description = { name: config.name, help: config.help, type: 'gauge', aggregator };
  }

  series(labels: Labels): CounterSeries {
    const series = new CounterSeries(Object.freeze({ ...labels }));
    this.all.push(series);
    return series;
  }

  override async get() {
    const values = this.all.map((series) => ({ labels: series.labels, value: series.value }));
    return { ...this.description, values } as unknown as Awaited<ReturnType<Gauge<string>['get']>>;
  }

  override reset(): void {
    for (const series of this.all ?? []) series.value = 0;
  }
}
