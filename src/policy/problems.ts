// Problems in a policy file, placed where they are: a span of the text (offsets, end exclusive) becomes 1-based
// lines and columns. Invariants: adding a problem never throws, and `sorted()` gives every problem once, in document
// order (by start, then in the order they were found).
import type { LineCounter } from 'yaml';
import { describeError } from '../registry/errors';
import type { PolicyProblem } from './types';

/** A stretch of the text: offsets from its start, `end` exclusive. */
export interface Span {
  start: number;
  end: number;
}

export const WHOLE_DOCUMENT_START: Span = { start: 0, end: 0 };

interface FoundProblem {
  at: Span;
  field: string;
  message: string;
  fix?: string;
}

export class ProblemList {
  private readonly found: FoundProblem[] = [];

  constructor(private readonly lines: LineCounter) {}

  get count(): number {
    return this.found.length;
  }

  /** The 1-based line a span starts on. */
  lineOf(at: Span): number {
    return this.lines.linePos(at.start).line;
  }

  add(at: Span, field: string, message: string, fix?: string): void {
    this.found.push({ at, field, message, fix });
  }

  /** Runs one of the engine's validators; what it throws becomes a problem at `at` (with its fix, or `fixInstead`). */
  check<T>(at: Span, field: string, validate: () => T, fixInstead?: string): T | undefined {
    try {
      return validate();
    } catch (e) {
      const { message, fix } = describeError(e);
      this.add(at, field, message, fixInstead ?? fix);
      return undefined;
    }
  }

  sorted(): PolicyProblem[] {
    const inOrder = this.found.map((p, order) => ({ p, order })).sort((a, b) => a.p.at.start - b.p.at.start || a.order - b.order);
    return inOrder.map(({ p }) => this.placed(p));
  }

  private placed(p: FoundProblem): PolicyProblem {
    const start = this.lines.linePos(p.at.start);
    const end = this.lines.linePos(Math.max(p.at.end, p.at.start));
    const problem: PolicyProblem = { line: start.line, column: start.col, endLine: end.line, endColumn: end.col, field: p.field, message: p.message };
    if (p.fix !== undefined) problem.fix = p.fix;
    return problem;
  }
}

/** Names people use for a rule key elsewhere (the prune policy, the CLI): written lower-case, without `-` or `_`. */
const KNOWN_ALIASES: Readonly<Record<string, string>> = {
  range: 'semver',
  includeprerelease: 'prerelease',
  prereleases: 'prerelease',
  keepreferrers: 'referrers',
  repository: 'repositories',
  repos: 'repositories',
  host: 'registry',
  url: 'registry',
};

function squashed(key: string): string {
  return key.toLowerCase().replace(/[-_\s]/g, '');
}

/** Levenshtein distance: the fewest one-character insertions, deletions and substitutions from `a` to `b`. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length];
}

/**
 * The allowed key an unknown key is most likely a typo of, or undefined when none is close: the same letters in
 * another case or with `-`/`_` (`keep_per` → keepPer), a name the prune policy or the CLI uses for it (`range` →
 * semver), or at most a quarter of the letters (and at least two) away (`semvar` → semver).
 */
export function closestKey(written: string, allowed: readonly string[]): string | undefined {
  const key = squashed(written);
  const same = allowed.find((k) => squashed(k) === key);
  if (same !== undefined) return same;
  const alias = KNOWN_ALIASES[key];
  if (alias !== undefined && allowed.includes(alias)) return alias;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of allowed) {
    const distance = editDistance(key, squashed(candidate));
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(squashed(best).length / 4)) ? best : undefined;
}

/** The problem for a key nobody reads: it names the key and the allowed ones, and a likely meant key when there is one. */
export function unknownKeyProblem(written: string, allowed: readonly string[], where: string): { message: string; fix: string } {
  const meant = closestKey(written, allowed);
  const guess = meant === undefined ? '' : ` (did you mean ${meant}?)`;
  return {
    message: `unknown key "${written}"${guess}; ${where} may have ${allowed.join(', ')}`,
    fix: meant === undefined ? `Remove "${written}", or use one of the keys listed.` : `Rename it to ${meant}.`,
  };
}
