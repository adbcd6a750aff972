/**
 * @module providers/shared/map-stream-errors
 * A stream's errors mapped (socket errors, timeouts and aborts in the middle of a stream become the
 * adapter's gateway errors) by a plain async iterator around it. An async generator doing the same
 * (`try { yield* parts } catch ...`) adds a generator resumption and its promises to every part a
 * client receives, for a `catch` that almost never runs.
 */
export function mapStreamErrors<Item>(items: AsyncIterable<Item>, mapError: (error: unknown) => unknown): AsyncIterable<Item> {
  return {
    [Symbol.asyncIterator]() {
      const inner = items[Symbol.asyncIterator]();
      const mapped = (error: unknown): never => {
        throw mapError(error);
      };
      return {
        next: () => inner.next().then(undefined, mapped),
        // The consumer stopped early: the inner stream is closed too (its own cleanup, the upstream body).
        return: (value?: unknown) => (inner.return ? inner.return(value).then(undefined, mapped) : Promise.resolve({ done: true as const, value: undefined })),
      };
    },
  };
}
