/**
 * @module observability/tracing/tracing-from-environment
 * Whether the `OTEL_*` environment variables ask for tracing (see tracing-setup.ts for which do),
 * and the tracing they describe. The OpenTelemetry SDK is imported only then: most gateways
 * never trace, and it would otherwise be a good part of an idle gateway's memory.
 */
import type { Tracing } from './tracing-setup.js';

export function tracingWanted(environment: NodeJS.ProcessEnv = process.env): boolean {
  if (environment.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  const exporters = (environment.OTEL_TRACES_EXPORTER ?? '').split(',').map((name) => name.trim().toLowerCase());
  if (exporters.includes('none')) return false;
  return Boolean(environment.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || environment.OTEL_EXPORTER_OTLP_ENDPOINT || exporters.includes('otlp'));
}

/** The tracer provider and exporter, or undefined when tracing is off. */
export async function tracingFromEnvironment(environment: NodeJS.ProcessEnv = process.env): Promise<Tracing | undefined> {
  if (!tracingWanted(environment)) return undefined;
  const { startTracing } = await import('./tracing-setup.js');
  return startTracing();
}
