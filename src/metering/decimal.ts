/**
 * @module metering/decimal
 * Exact conversions between decimal USD amounts and Tollgate's integer money units: rates in
 * pico-dollars (1e-12 USD) per token, costs and quotas in nano-dollars (1e-9 USD). A value is read
 * from its decimal text (a number through `String(n)`, so `1.5e-7` is the digits 15 and the
 * exponent -8) and scaled by moving the decimal point: no float is ever multiplied.
 *
 * By default a value finer than the unit is refused, not rounded: a price of 0.0000001 USD per
 * million tokens would silently become 0, and a figure that is not what the operator wrote is worse
 * than an error at start-up. Sources computed with floats (LiteLLM's table holds values such as
 * 0.0000029999900000000002) ask for `'halfUp'`: rounded half up to the unit, which moves a rate by
 * less than half a pico-dollar per token.
 *
 * @example
 * usdPerMillionToPicoPerToken(0.075);   // 75_000
 * usdPerTokenToPicoPerToken(1.5e-7);    // 150_000
 * usdToNano('12.5');                    // 12_500_000_000
 * formatNanoUsd(1234);                  // "0.000001234"
 */

/** Digits, an optional fraction and an optional exponent; no sign (negative amounts are refused before). */
const decimalPattern = /^(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;
/** Beyond this an exponent cannot yield a safe integer (or a non-zero value) in any of our units. */
const maxExponent = 400;
const maxSafe = BigInt(Number.MAX_SAFE_INTEGER);

/** `exact`: a value finer than the unit is an error. `halfUp`: it is rounded half up to the unit. */
export type Rounding = 'exact' | 'halfUp';

/** USD per million tokens (the way prices are published) → integer pico-dollars per token. */
export function usdPerMillionToPicoPerToken(value: number | string, rounding: Rounding = 'exact'): number {
  return scaleDecimal(value, 6, rounding, 'USD per million tokens', 'pico-dollar per token');
}

/** USD per token (LiteLLM's unit) → integer pico-dollars per token. */
export function usdPerTokenToPicoPerToken(value: number | string, rounding: Rounding = 'exact'): number {
  return scaleDecimal(value, 12, rounding, 'USD per token', 'pico-dollar per token');
}

/** USD → integer nano-dollars (quota limits, costs). */
export function usdToNano(value: number | string, rounding: Rounding = 'exact'): number {
  return scaleDecimal(value, 9, rounding, 'USD', 'nano-dollar');
}

/** Integer nano-dollars → exact USD text with nine decimals (negative amounts keep their sign). */
export function formatNanoUsd(nano: number | bigint): string {
  return formatScaled(nano, 9);
}

/** Integer pico-dollars per token → exact USD per million tokens with six decimals, e.g. "0.150000". */
export function formatPicoPerTokenAsUsdPerMillion(pico: number | bigint): string {
  return formatScaled(pico, 6);
}

/** `value × 10^scale` as a non-negative safe integer, or a RangeError that says why not. */
function scaleDecimal(value: number | string, scale: number, rounding: Rounding, unitName: string, smallestUnit: string): number {
  const text = decimalText(value, unitName);
  const match = decimalPattern.exec(text);
  if (!match) throw new RangeError(`${JSON.stringify(text)} is not a decimal number of ${unitName}`);
  const [, whole, fraction = '', exponentText = '0'] = match;
  const exponent = Number(exponentText);
  if (Math.abs(exponent) > maxExponent) throw new RangeError(`${text} ${unitName} is out of range`);
  const shift = exponent + scale - fraction.length;
  let units = BigInt(whole + fraction);
  if (shift >= 0) {
    units *= 10n ** BigInt(shift);
  } else {
    const divisor = 10n ** BigInt(-shift);
    if (rounding === 'halfUp') {
      units = (units + divisor / 2n) / divisor;
    } else if (units % divisor !== 0n) {
      throw new RangeError(`${text} ${unitName} is finer than one ${smallestUnit}, the smallest unit Tollgate keeps`);
    } else {
      units /= divisor;
    }
  }
  if (units > maxSafe) throw new RangeError(`${text} ${unitName} is too large`);
  return Number(units);
}

function decimalText(value: number | string, unitName: string): string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`${value} is not a finite amount of ${unitName}`);
    if (value < 0) throw new RangeError(`${value} ${unitName} is negative`);
    // String(-0) is "0"; String(1e-7) is "1e-7": the shortest text that reads back as this double.
    return String(value);
  }
  const text = value.trim();
  if (text.startsWith('-')) throw new RangeError(`${text} ${unitName} is negative`);
  return text;
}

function formatScaled(value: number | bigint, decimals: number): string {
  if (typeof value === 'number' && !Number.isSafeInteger(value)) {
    throw new RangeError(`${value} is not a safe integer amount`);
  }
  const units = BigInt(value);
  const sign = units < 0n ? '-' : '';
  const digits = (units < 0n ? -units : units).toString().padStart(decimals + 1, '0');
  return `${sign}${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
}
