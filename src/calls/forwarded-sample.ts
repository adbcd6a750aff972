/**
 * @module calls/forwarded-sample
 * The parts of a stream kept in case its usage must be estimated (the upstream reported none, the
 * client left, the stream failed). Kept whole, a long stream would hold everything it forwarded in
 * memory until it ends — up to the provider's `maxStreamBytes`, and more as translated chunk
 * objects. Past `maxKeptChars` of encoded text, parts are only measured: the estimate counts the
 * kept text and scales its output tokens by the share that was not kept.
 */
import type { ChatStreamPart } from '../../providers/types.js';

/** 4 MiB of event text: about a million tokens of OpenAI chunks, far past where the sample stops mattering. */
export const maxKeptChars = 4 * 1024 * 1024;

export class ForwardedSample {
  readonly parts: ChatStreamPart[] = [];
  private keptChars = 0;
  private droppedChars = 0;

  constructor(private readonly limit = maxKeptChars) {}

  /** Keeps `part` while there is room; `chars` is the size of what it was encoded to. */
  add(part: ChatStreamPart, chars: number): void {
    if (this.droppedChars === 0 && this.keptChars + chars <= this.limit) {
      this.parts.push(part);
      this.keptChars += chars;
    } else {
      this.droppedChars += chars;
    }
  }

  /** Whether anything was forwarded at all. */
  get empty(): boolean {
    return this.keptChars === 0 && this.droppedChars === 0;
  }

  /** What the output estimate of the kept parts is multiplied by: 1 when everything was kept. */
  get outputScale(): number {
    return this.droppedChars === 0 || this.keptChars === 0 ? 1 : (this.keptChars + this.droppedChars) / this.keptChars;
  }
}
