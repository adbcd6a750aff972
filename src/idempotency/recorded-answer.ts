/**
 * @module idempotency/recorded-answer
 * A first answer as kept for replays — status, the headers that describe the answer, the body's
 * bytes — and the replay itself: the same status, headers and body, a stream again when the first
 * answer was one (the kept events are sent as a `text/event-stream`, event by event), marked
 * `Idempotent-Replayed: true`.
 */

export interface RecordedAnswer {
  status: number;
  headers: Array<[string, string]>;
  body: Uint8Array;
  /** The request id of the call that produced the answer (`x-tollgate-replay-of` on replays). */
  requestId: string;
}

/**
 * Headers that belong to the moment, not to the answer: the replay's own request id, rate limits
 * as they are now, and the framing, which the replay sets itself.
 */
const momentaryHeaders = /^(x-request-id|x-client-request-id|x-ratelimit-|retry-after|date|content-length|transfer-encoding|connection|keep-alive|set-cookie)/;

export function answerHeaders(headers: Headers): Array<[string, string]> {
  const kept: Array<[string, string]> = [];
  headers.forEach((value, name) => {
    if (!momentaryHeaders.test(name)) kept.push([name, value]);
  });
  return kept;
}

export const replayedHeader = 'idempotent-replayed';

export function replayResponse(answer: RecordedAnswer): Response {
  const headers = new Headers(answer.headers);
  headers.set(replayedHeader, 'true');
  headers.set('x-tollgate-replay-of', answer.requestId);
  const isStream = headers.get('content-type')?.startsWith('text/event-stream') === true;
  return new Response(isStream ? eventByEvent(answer.body) : answer.body, { status: answer.status, headers });
}

/** The kept stream sent again one event at a time, as a client reading a stream expects it to arrive. */
function eventByEvent(body: Uint8Array): ReadableStream<Uint8Array> {
  const events = splitEvents(body);
  let next = 0;
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (next < events.length) controller.enqueue(events[next++]);
        if (next >= events.length) controller.close();
      },
    },
    { highWaterMark: 0 },
  );
}

/** Cuts after each blank line (`\n\n`), the end of a server-sent event. */
function splitEvents(body: Uint8Array): Uint8Array[] {
  const events: Uint8Array[] = [];
  let start = 0;
  for (let index = 1; index < body.length; index++) {
    if (body[index] === 0x0a && body[index - 1] === 0x0a) {
      events.push(body.subarray(start, index + 1));
      start = index + 1;
    }
  }
  if (start < body.length) events.push(body.subarray(start));
  return events;
}
