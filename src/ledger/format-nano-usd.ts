/**
 * @module ledger/format-nano-usd
 * Integer nano-dollars (1e-9 USD) to an exact decimal string, by string arithmetic: no float ever
 * touches money. Always nine decimals, so a column of amounts lines up and sums by text.
 *
 * @example
 * formatNanoUsd(1234);                  // "0.000001234"
 * formatNanoUsd(12_500_000_000n);       // "12.500000000"
 */
const nanoDigits = 9;

export function formatNanoUsd(nanoUsd: bigint | number): string {
  if (typeof nanoUsd === 'number' && !Number.isSafeInteger(nanoUsd)) {
    throw new RangeError(`nano-USD amount ${nanoUsd} is not a safe integer`);
  }
  const value = BigInt(nanoUsd);
  const sign = value < 0n ? '-' : '';
  const digits = (value < 0n ? -value : value).toString().padStart(nanoDigits + 1, '0');
  return `${sign}${digits.slice(0, -nanoDigits)}.${digits.slice(-nanoDigits)}`;
}
