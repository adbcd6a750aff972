/**
 * @module calls/call-outcomes
 * How a call ended — the status its ledger row records — for whoever asked before it ran. The
 * HTTP status alone does not say: a stream that failed half-way was a 200 with an error event in
 * it. `MeteredCall` reports every call; only calls someone expects are remembered.
 */
export class CallOutcomes {
  private readonly expected = new Map<string, (status: number) => void>();

  /** Resolves with the call's ledger status once it is written. Call `forget` if the call may never run. */
  expect(requestId: string): Promise<number> {
    return new Promise((resolve) => this.expected.set(requestId, resolve));
  }

  report(requestId: string, status: number): void {
    const resolve = this.expected.get(requestId);
    if (!resolve) return;
    this.expected.delete(requestId);
    resolve(status);
  }

  forget(requestId: string): void {
    this.expected.delete(requestId);
  }
}
