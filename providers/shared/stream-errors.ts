/**
 * @module providers/shared/stream-errors
 * The errors of an upstream stream that did not keep its protocol, shared by every adapter so a
 * client (and the ledger) sees the same codes whichever provider misbehaved:
 * - `upstream_invalid_response`: an event that is not what the protocol says (not JSON), or a
 *   stream with no event at all (an HTML page served as `text/event-stream`, an empty body);
 * - `upstream_stream_incomplete`: events arrived, but the body closed before the provider's own
 *   terminal event (`[DONE]`, `message_stop`, a finish reason), so the answer may be cut short.
 */
import { GatewayError } from '../../src/errors/gateway-error.js';

export function invalidStreamEvent(provider: string, what = 'a stream event that is not JSON'): GatewayError {
  return new GatewayError(502, `${provider} sent ${what}`, { type: 'upstream_error', code: 'upstream_invalid_response' });
}

export interface StreamEnd {
  /** Events received (blank and keep-alive ones aside). */
  events: number;
  bytes: number;
  contentType?: string;
  /** What the provider ends a complete stream with, for the message. */
  terminal: string;
}

export function streamEndedEarly(provider: string, { events, bytes, contentType, terminal }: StreamEnd): GatewayError {
  if (events === 0) {
    const what = bytes === 0 ? 'an empty body' : `${bytes} bytes with no event in them${contentType ? ` (${describeType(contentType)})` : ''}`;
    return new GatewayError(502, `${provider} answered the stream request with ${what}`, { type: 'upstream_error', code: 'upstream_invalid_response' });
  }
  return new GatewayError(502, `${provider} closed the stream before it was complete (no ${terminal})`, {
    type: 'upstream_error',
    code: 'upstream_stream_incomplete',
  });
}

/** The media type only, and only if it looks like one: it is upstream text going into a message. */
function describeType(contentType: string): string {
  const mediaType = contentType.split(';')[0]!.trim().toLowerCase();
  return /^[a-z0-9.+-]+\/[a-z0-9.+-]+$/.test(mediaType) ? mediaType : 'an unknown content type';
}
