/**
 * @module observability/logs/body-capture
 * Debugging aid, off by default: the request and response bodies of the listed tenants' calls,
 * each cut to `maxBytes`, with the configured patterns and every known secret replaced by
 * `[redacted]`, written to the access log as a `body capture` line. Never for a tenant that
 * disallows it (`allowBodyCapture: false`, in the configuration file or set through the admin API
 * or CLI: the tenant record says), whatever the list says. A streamed answer is read
 * from a copy of the stream as it goes to the client, up to the cap.
 */
import type { TollgateConfig } from '../../../schemas/config.js';
import { logger, redactSecrets } from '../../logging/logger.js';
import type { LineSink } from './line-sink.js';

export interface CapturedExchange {
  requestId: string;
  tenantId: string;
  /** The request's bytes, when the route read them whole (undefined otherwise). */
  request: Promise<ArrayBuffer | Uint8Array | undefined>;
  response: Response;
}

export class BodyCapture {
  private readonly tenants: Set<string>;
  private readonly patterns: RegExp[];
  private readonly maxBytes: number;

  constructor(
    config: TollgateConfig,
    private readonly sink: LineSink,
  ) {
    const capture = config.logs.bodyCapture;
    this.tenants = new Set(capture.enabled ? capture.tenants : []);
    this.patterns = capture.redact.map((pattern) => new RegExp(pattern, 'g'));
    this.maxBytes = capture.maxBytes;
  }

  wants(tenant: { id: string; allowBodyCapture: boolean }): boolean {
    return tenant.allowBodyCapture && this.tenants.has(tenant.id);
  }

  /** Reads both bodies (the response from a copy) and writes one line; never throws. */
  capture(exchange: CapturedExchange): void {
    const copy = exchange.response.body ? exchange.response.clone() : undefined;
    void Promise.all([exchange.request.catch(() => undefined), copy ? readCapped(copy, this.maxBytes) : Promise.resolve(undefined)])
      .then(([request, response]) => {
        const requestText = request ? this.cut(request instanceof Uint8Array ? request : new Uint8Array(request)) : undefined;
        const line = {
          time: new Date().toISOString(),
          level: 'debug',
          message: 'body capture',
          request_id: exchange.requestId,
          tenant: exchange.tenantId,
          status: exchange.response.status,
          request_body: requestText?.text ?? null,
          request_truncated: requestText?.truncated ?? false,
          response_body: response ? this.redact(response.text) : null,
          response_truncated: response?.truncated ?? false,
        };
        this.sink.write(redactSecrets(JSON.stringify({ ...line, request_body: line.request_body === null ? null : this.redact(line.request_body) })));
      })
      .catch((error: unknown) => logger.warn('body capture failed', { request_id: exchange.requestId, error: String(error) }));
  }

  private cut(bytes: Uint8Array): { text: string; truncated: boolean } {
    const truncated = bytes.byteLength > this.maxBytes;
    return { text: new TextDecoder().decode(truncated ? bytes.subarray(0, this.maxBytes) : bytes), truncated };
  }

  private redact(text: string): string {
    let result = text;
    for (const pattern of this.patterns) result = result.replace(pattern, '[redacted]');
    return result;
  }
}

async function readCapped(response: Response, maxBytes: number): Promise<{ text: string; truncated: boolean }> {
  const reader = response.body!.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    if (size > maxBytes) {
      truncated = true;
      await reader.cancel();
      break;
    }
  }
  const bytes = Buffer.concat(chunks);
  return { text: new TextDecoder().decode(bytes.subarray(0, maxBytes)), truncated };
}
