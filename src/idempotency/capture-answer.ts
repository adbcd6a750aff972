/**
 * @module idempotency/capture-answer
 * Keeps a copy of an answer's body as it goes to the client, up to a bound, without delaying it:
 * the client reads at its own pace (one read upstream per read downstream, nothing buffered ahead)
 * and the copy is handed over once the body has ended — or reported as too large, or abandoned
 * when the client went away before the end.
 */

export type CapturedBody = { outcome: 'complete'; body: Uint8Array } | { outcome: 'too_large' } | { outcome: 'abandoned' };

const encoder = new TextEncoder();

export function captureAnswer(response: Response, maxBytes: number, onEnd: (captured: CapturedBody) => void): Response {
  if (!response.body) {
    onEnd({ outcome: 'complete', body: new Uint8Array(0) });
    return response;
  }
  const reader = response.body.getReader();
  const pieces: Uint8Array[] = [];
  let size = 0;
  let ended = false;
  const end = (captured: CapturedBody) => {
    if (ended) return;
    ended = true;
    onEnd(captured);
  };
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let read: Awaited<ReturnType<typeof reader.read>>;
        try {
          read = await reader.read();
        } catch (error) {
          end({ outcome: 'abandoned' });
          controller.error(error);
          return;
        }
        if (read.done) {
          controller.close();
          end(size > maxBytes ? { outcome: 'too_large' } : { outcome: 'complete', body: Buffer.concat(pieces) });
          return;
        }
        // A body built from a stream of strings yields strings; the wire and the copy want bytes.
        const value: Uint8Array | string = read.value;
        const piece = typeof value === 'string' ? encoder.encode(value) : value;
        size += piece.byteLength;
        if (size <= maxBytes) pieces.push(piece);
        else pieces.length = 0;
        controller.enqueue(piece);
      },
      cancel(reason) {
        end({ outcome: 'abandoned' });
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}
