/**
 * @module prompts/nested-quantifiers
 * Finds the classic shape of a regular expression that backtracks catastrophically: a group
 * repeated without bound whose only required content is itself repeated without bound —
 * `(a+)+`, `(\w+\s?)*`, `(x*){2,}`, `(a+|b)+` — where V8's backtracking engine tries
 * exponentially many ways to split a near-miss such as `aaaaaaaaaaaaaaaaaaaaaaaaaaaa!`. A
 * prompt's JSON Schema `pattern` runs on every caller's input, on the event loop, so such a
 * pattern is refused when the prompt is loaded or published. A group with a second required part
 * (`(-[a-z]+)*`, the usual way to write kebab-case or dotted names) can split its input only one
 * way and is accepted. Overlapping alternatives under one repetition, `(a|aa)*`, can also
 * backtrack badly and are not detected: this check catches the common case, not every case.
 *
 * @example
 * hasNestedQuantifier('^(a+)+$'); // true
 * hasNestedQuantifier('^[a-z]+(-[a-z]+)*$'); // false
 */

/** `{n,m}` with m at least this counts as unbounded: `(a{1,20}){1,20}` is already 20^20 ways. */
const largeRepeat = 10;

interface Group {
  /** Something inside repeats without bound. */
  repeats: boolean;
  /** Required atoms in the current alternative, and the fewest of any alternative so far. */
  required: number;
  fewestRequired: number;
}

interface Quantifier {
  unbounded: boolean;
  /** The atom may be absent (`?`, `*`, `{0,…}`). */
  optional: boolean;
  end: number;
}

export function hasNestedQuantifier(pattern: string): boolean {
  const groups: Group[] = [newGroup()];
  const current = () => groups[groups.length - 1];
  let index = 0;
  while (index < pattern.length) {
    const character = pattern[index];
    if (character === '|') {
      endAlternative(current());
      index++;
      continue;
    }
    let atom: Group | undefined;
    if (character === '(') {
      groups.push(newGroup());
      // `(?:`, `(?=`, `(?!`, `(?<=`, `(?<!`, `(?<name>`: the prefix is no atom.
      const prefix = /^\(\?(?::|=|!|<=|<!|<[A-Za-z_$][\w$]*>)/.exec(pattern.slice(index, index + 40));
      index += prefix ? prefix[0].length : 1;
      continue;
    } else if (character === ')') {
      atom = groups.length > 1 ? groups.pop()! : current();
      endAlternative(atom);
      index++;
    } else if (character === '\\') {
      index += 2;
    } else if (character === '[') {
      index = classEnd(pattern, index);
    } else {
      index++;
    }
    const quantifier = quantifierAt(pattern, index);
    const group = current();
    if (quantifier?.unbounded) {
      if (atom?.repeats && atom.fewestRequired <= 1) return true;
      group.repeats = true;
    }
    if (atom?.repeats) group.repeats = true;
    const required = atom ? atom.fewestRequired > 0 : true;
    if (required && !quantifier?.optional) group.required++;
    if (quantifier) index = quantifier.end;
  }
  return false;
}

function newGroup(): Group {
  return { repeats: false, required: 0, fewestRequired: Number.POSITIVE_INFINITY };
}

function endAlternative(group: Group): void {
  group.fewestRequired = Math.min(group.fewestRequired, group.required);
  group.required = 0;
}

function quantifierAt(pattern: string, index: number): Quantifier | undefined {
  const character = pattern[index];
  let quantifier: Quantifier | undefined;
  if (character === '*') quantifier = { unbounded: true, optional: true, end: index + 1 };
  else if (character === '+') quantifier = { unbounded: true, optional: false, end: index + 1 };
  else if (character === '?') quantifier = { unbounded: false, optional: true, end: index + 1 };
  else if (character === '{') {
    const match = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(index, index + 24));
    if (!match) return undefined;
    const most = match[2] === undefined ? Number(match[1]) : match[3] === '' ? Number.POSITIVE_INFINITY : Number(match[3]);
    quantifier = { unbounded: most >= largeRepeat, optional: Number(match[1]) === 0, end: index + match[0].length };
  }
  // A lazy marker belongs to the quantifier.
  if (quantifier && pattern[quantifier.end] === '?') quantifier.end++;
  return quantifier;
}

/** The index just past the character class starting at `start`. */
function classEnd(pattern: string, start: number): number {
  let index = start + 1;
  if (pattern[index] === ']') index++;
  while (index < pattern.length && pattern[index] !== ']') index += pattern[index] === '\\' ? 2 : 1;
  return index + 1;
}
