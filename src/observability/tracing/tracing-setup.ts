/**
 * @module observability/tracing/tracing-setup
 * OpenTelemetry tracing from the standard `OTEL_*` environment variables, off unless asked for:
 * on when `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` or `OTEL_EXPORTER_OTLP_ENDPOINT` is set or
 * `OTEL_TRACES_EXPORTER` names `otlp`; off when `OTEL_SDK_DISABLED=true` or
 * `OTEL_TRACES_EXPORTER=none`. The SDK reads the rest itself: the endpoint, headers, timeout and
 * compression (`OTEL_EXPORTER_OTLP_*`), the sampler (`OTEL_TRACES_SAMPLER`, `..._ARG`), the batch
 * processor (`OTEL_BSP_*`) and the resource (`OTEL_SERVICE_NAME`, `OTEL_RESOURCE_ATTRIBUTES`).
 * Spans go out as OTLP over HTTP (JSON).
 *
 * No global context manager is installed: Node 20's AsyncLocalStorage costs every promise on the
 * request path, so each call carries its trace context explicitly (see call-tracing.ts).
 *
 * This module loads the OpenTelemetry SDK and exporter (about 5 MB of heap and 200 modules);
 * `tracing-from-environment.ts` imports it only when tracing is asked for.
 */
import type { Tracer } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { packageVersion } from '../../openapi/package-version.js';

export interface Tracing {
  tracer: Tracer;
  propagator: W3CTraceContextPropagator;
  /** Exports what is buffered; tests and shutdown use it. */
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

/** The tracer provider and exporter, configured by the SDK from the `OTEL_*` variables. */
export function startTracing(): Tracing {
  const resource = defaultResource()
    .merge(resourceFromAttributes({ 'service.name': 'tollgate', 'service.version': packageVersion() }))
    .merge(detectResources({ detectors: [envDetector] }));
  const provider = new BasicTracerProvider({
    resource,
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  return {
    tracer: provider.getTracer('tollgate', packageVersion()),
    propagator: new W3CTraceContextPropagator(),
    forceFlush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}
