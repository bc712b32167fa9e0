/**
 * GitHub's filter pattern syntax for branches, tags and paths: `*` (not across `/`), `**`,
 * `?` and `+` (zero-or-one / one-or-more of the preceding character), `[...]`, and a leading `!`
 * that negates. Patterns apply in order: the last one that matches decides.
 */
const compiled = new Map<string, RegExp>();

export function patternToRegExp(pattern: string): RegExp {
  let re = compiled.get(pattern);
  if (re) return re;
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        // `**/` also matches no directory at all, as in `**/x.js` matching `x.js`.
        if (pattern[i + 2] === '/') {
          out += '(?:.*/)?';
          i += 2;
        } else {
          out += '.*';
          i += 1;
        }
      } else out += '[^/]*';
    } else if (c === '?') out += '?';
    else if (c === '+') out += '+';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) out += '\\[';
      else {
        out += '[' + pattern.slice(i + 1, end).replace(/\\/g, '\\\\') + ']';
        i = end;
      }
    } else out += c.replace(/[.^$|(){}\\\]]/g, '\\$&');
  }
  re = new RegExp('^' + out + '$');
  compiled.set(pattern, re);
  return re;
}

/** True when `value` is selected by the ordered pattern list. */
export function matchesFilters(value: string, patterns: string[]): boolean {
  let selected = false;
  for (const p of patterns) {
    const negated = p.startsWith('!');
    if (patternToRegExp(negated ? p.slice(1) : p).test(value)) selected = !negated;
  }
  return selected;
}
