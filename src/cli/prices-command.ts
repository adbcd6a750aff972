/**
 * @module cli/prices-command
 * `tollgate prices import FILE [--effective-from DATE]`: loads a price file in LiteLLM's format
 * (`model_prices_and_context_window.json`, USD per token) into the database, where it overrides
 * the built-in catalogue and the configuration's prices for the models it names.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { importPrices, importPricesIntoPostgres, type ImportPricesResult } from '../metering/import-prices.js';
import { CommandError, openCliContext, parseCommand, printJson, UsageError } from './cli-context.js';

export const pricesUsage = `tollgate prices import FILE [--effective-from YYYY-MM-DD]
  FILE                          a LiteLLM price table (JSON: model → input_cost_per_token, output_cost_per_token...);
                                a key that is a public model name (e.g. "demo") prices that model
  --effective-from DATE         the prices apply to calls from this date on (default: now)
  --config PATH                 configuration file (default: $TOLLGATE_CONFIG, else ./tollgate.yaml)`;

export async function pricesCommand(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv, { 'effective-from': { type: 'string' } }, pricesUsage);
  if (parsed.help) {
    process.stdout.write(`${pricesUsage}\n`);
    return 0;
  }
  const values = parsed.values as Record<string, string | undefined>;
  const [action, file, ...extra] = parsed.positionals;
  if (action !== 'import') throw new UsageError(action ? `unknown action "${action}"` : 'an action is required', pricesUsage);
  if (!file) throw new UsageError('prices import needs a FILE', pricesUsage);
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`, pricesUsage);
  const effectiveFrom = values['effective-from'] === undefined ? Date.now() : Date.parse(values['effective-from']);
  if (Number.isNaN(effectiveFrom)) throw new UsageError(`--effective-from must be a date such as 2027-01-01, got "${values['effective-from']}"`, pricesUsage);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CommandError(`cannot read ${file}: ${(error as Error).message}`);
  }
  const cli = await openCliContext(values.config);
  try {
    let result: ImportPricesResult;
    const options = { effectiveFrom, source: `import:${basename(file)}` };
    try {
      result = cli.postgres ? await importPricesIntoPostgres(cli.postgres, text, options) : importPrices(cli.database, text, options);
    } catch (error) {
      throw new CommandError(`cannot import ${file}: ${(error as Error).message}`);
    }
    const summary = { imported: result.imported, skipped: result.skipped.length, effectiveFrom: new Date(effectiveFrom).toISOString() };
    await cli.audit({ action: 'price.import', targetType: 'price', targetId: basename(file), after: summary });
    printJson(summary);
    return 0;
  } finally {
    await cli.close();
  }
}
