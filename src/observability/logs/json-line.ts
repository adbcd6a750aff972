/**
 * @module observability/logs/json-line
 * One JSON log line built as a string, field by field, in the order written: what
 * `JSON.stringify({ ...fields })` gives for strings, finite numbers, booleans and null (a field
 * whose value is undefined is left out, a non-finite number is null), without building the object
 * first. The access log writes a line of ~30 fields per call; this costs about a third of
 * stringifying the object it replaced.
 */
export class JsonLine {
  private text: string;

  constructor(level: string, message: string) {
    this.text = `{"time":"${new Date().toISOString()}","level":${JSON.stringify(level)},"message":${JSON.stringify(message)}`;
  }

  string(name: string, value: string | null | undefined): this {
    if (value !== undefined) this.text += `,"${name}":${value === null ? 'null' : JSON.stringify(value)}`;
    return this;
  }

  number(name: string, value: number | null | undefined): this {
    if (value !== undefined) this.text += `,"${name}":${value === null || !Number.isFinite(value) ? 'null' : value}`;
    return this;
  }

  boolean(name: string, value: boolean | undefined): this {
    if (value !== undefined) this.text += `,"${name}":${value}`;
    return this;
  }

  /** A nested object of numbers (the access log's `tokens`). */
  numbers(name: string, values: Record<string, number>): this {
    let nested = '';
    for (const key in values) nested += `${nested ? ',' : ''}"${key}":${Number.isFinite(values[key]) ? values[key] : 'null'}`;
    this.text += `,"${name}":{${nested}}`;
    return this;
  }

  end(): string {
    return `${this.text}}`;
  }
}
