/**
 * @module cli/prices-command
 * `tollgate prices import FILE [--effective-from DATE]`: loads a price file in the shared
 * (LiteLLM) format into the database, where it overrides the built-in catalogue.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { importPrices } from '../metering/index.js';
import { openCliContext, printJson, UsageError } from './cli-context.js';

export const pricesUsage = `tollgate prices import FILE [--effective-from YYYY-MM-DD]`;

export function pricesCommand(argv: string[]): number {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { config: { type: 'string' }, 'effective-from': { type: 'string' } },
  });
  const [action, file] = positionals;
  if (action !== 'import' || !file) throw new UsageError('expected: prices import FILE');
  const effectiveFrom = values['effective-from'] === undefined ? Date.now() : Date.parse(values['effective-from']);
  if (Number.isNaN(effectiveFrom)) throw new UsageError(`--effective-from must be a date, got "${values['effective-from']}"`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as Error).message}`);
  }
  const cli = openCliContext(values.config);
  try {
    const result = importPrices(cli.database, text, { effectiveFrom, source: `import:${basename(file)}` });
    const summary = { imported: result.imported, skipped: result.skipped.length, effectiveFrom: new Date(effectiveFrom).toISOString() };
    cli.audit({ action: 'price.import', targetType: 'price', targetId: basename(file), after: summary });
    printJson(summary);
    return 0;
  } finally {
    cli.close();
  }
}
