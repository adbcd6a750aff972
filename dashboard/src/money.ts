/**
 * @module dashboard/money
 * Money on the page is the API's exact decimal string. It is shown rounded half up to the cent
 * (by string arithmetic, never a float), or in full when "exact amounts" is on; the full value is
 * always in the element's `title` and `data-exact`, so what the page shows can be checked
 * against the API and the CSV digit for digit. Floats are used only to draw charts.
 */

/** "1234.567890000" → "$1,234.57"; negative amounts keep their sign. */
export function usdCents(exact: string): string {
  const negative = exact.startsWith('-');
  const [whole, fraction = ''] = (negative ? exact.slice(1) : exact).split('.');
  let cents = BigInt(whole) * 100n + BigInt((fraction + '00').slice(0, 2));
  if (Number(fraction[2] ?? '0') >= 5) cents += 1n;
  const dollars = (cents / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}$${dollars}.${(cents % 100n).toString().padStart(2, '0')}`;
}

export function usdExact(exact: string): string {
  return `$${exact}`;
}

export function plainNumber(value: number): string {
  return value.toLocaleString('en-US');
}

/** For charts only. */
export const usdFloat = (exact: string) => Number(exact);

/** Sum of exact decimal strings with nine decimals, exactly. */
export function addUsd(values: readonly string[]): string {
  const total = values.reduce((sum, value) => sum + BigInt(value.replace('.', '')), 0n);
  const digits = (total < 0n ? -total : total).toString().padStart(10, '0');
  return `${total < 0n ? '-' : ''}${digits.slice(0, -9)}.${digits.slice(-9)}`;
}
