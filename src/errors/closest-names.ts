/**
 * @module errors/closest-names
 * "Did you mean …?" for a mistyped name (a model, a configuration key): the known names within a
 * small edit distance of the given one, closest first. Used wherever a name is refused, so a typo
 * is answered with the fix rather than only with the refusal.
 *
 * @example
 * closestNames('dmeo', ['demo', 'demo-lorem', 'gpt-4o']); // ['demo']
 * didYouMean('dmeo', ['demo']); // ' Did you mean `demo`?'
 */

/** At most this many suggestions: more is a list to read, not a hint. */
const maxSuggestions = 3;

export function closestNames(given: string, known: Iterable<string>): string[] {
  const target = given.toLowerCase();
  // One edit in three characters; names of one or two characters get no guesses but their case.
  const allowed = target.length <= 2 ? 0 : Math.max(1, Math.floor(target.length / 3));
  const scored: Array<{ name: string; distance: number }> = [];
  for (const name of known) {
    const candidate = name.toLowerCase();
    let distance = editDistance(target, candidate, allowed);
    // One name the start of the other (`gpt-4o` for `gpt-4o-mini`) is close, but less so than a typo.
    if (distance > allowed && allowed > 0 && (candidate.startsWith(target) || target.startsWith(candidate))) distance = allowed;
    if (distance <= allowed) scored.push({ name, distance });
  }
  if (scored.length === 0) return [];
  // Only the best guesses: a near miss beside a real match is noise.
  const best = Math.min(...scored.map((entry) => entry.distance));
  return scored
    .filter((entry) => entry.distance === best)
    .sort((left, right) => left.name.localeCompare(right.name))
    .slice(0, maxSuggestions)
    .map((entry) => entry.name);
}

/** ` Did you mean \`a\` or \`b\`?`, or '' when nothing is close. */
export function didYouMean(given: string, known: Iterable<string>, quote = '`'): string {
  const names = closestNames(given, known).map((name) => `${quote}${name}${quote}`);
  if (names.length === 0) return '';
  const list = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
  return ` Did you mean ${list}?`;
}

/**
 * Optimal string alignment distance (Levenshtein plus swapping two neighbours, the commonest
 * typo), giving up early once every path is over `limit`.
 */
function editDistance(left: string, right: string, limit: number): number {
  if (Math.abs(left.length - right.length) > limit) return limit + 1;
  let previousRow: number[] = [];
  let row = Array.from({ length: right.length + 1 }, (_, index) => index);
  for (let i = 1; i <= left.length; i++) {
    const beforePrevious = previousRow;
    previousRow = row;
    row = [i];
    let rowMinimum = i;
    for (let j = 1; j <= right.length; j++) {
      const cost = left[i - 1] === right[j - 1] ? 0 : 1;
      let value = Math.min(previousRow[j] + 1, row[j - 1] + 1, previousRow[j - 1] + cost);
      if (i > 1 && j > 1 && left[i - 1] === right[j - 2] && left[i - 2] === right[j - 1]) value = Math.min(value, beforePrevious[j - 2] + 1);
      row[j] = value;
      rowMinimum = Math.min(rowMinimum, value);
    }
    if (rowMinimum > limit) return limit + 1;
  }
  return row[right.length];
}
