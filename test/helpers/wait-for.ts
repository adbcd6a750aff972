/**
 * @module test/helpers/wait-for
 * Polls until a condition holds: the ledger is written off the request path (batched, from a
 * thread), so a test waits for what it expects to appear instead of sleeping a guessed time.
 */
export async function waitFor<T>(probe: () => Promise<T> | T, accept: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T;
  for (;;) {
    last = await probe();
    if (accept(last)) return last;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(last).slice(0, 500)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
