// Repository globs, and which rule of a policy applies to a repository.
//
// A glob matches a whole repository name. `*` matches any run of characters within one path segment (never a `/`),
// `?` exactly one character other than `/`, and `**` any run of characters across segments, `/` included. A `**`
// that is a whole segment matches whole segments, zero or more: `team/**` matches `team` and everything under it,
// `**/cache` matches `cache` and `a/b/cache`, `a/**/b` matches `a/b` and `a/x/y/b`. Every other character is
// itself (regex specials are escaped), so a glob without `*` or `?` matches exactly the name it spells.
import { badInput } from '../registry/errors';
import { parseRegistry } from '../registry/reference';
import type { PolicyDocument, PolicyRule } from './types';

const REGEX_SPECIAL = /[\\^$.|+()[\]{}]/g;
const STARS_AT = /\*+/y;

/** Whether a glob holds a wildcard (`*` or `?`): one without names exactly one repository. */
export function isGlobPattern(glob: string): boolean {
  return /[*?]/.test(glob);
}

/**
 * A glob as policy files may write it: non-empty text without spaces (repository names never hold any).
 * Throws BAD_INPUT otherwise.
 */
export function checkGlob(glob: unknown): string {
  if (typeof glob !== 'string') throw badInput(`a repository glob must be text (got ${String(glob)})`, 'Write a repository name or a glob such as team/* in quotes.');
  if (glob === '') throw badInput('a repository glob is empty', 'Write a repository name, or a glob such as team/* or team/**.');
  if (/\s/u.test(glob)) throw badInput(`the repository glob "${glob}" holds a space; repository names never do`, 'Remove the spaces from the glob.');
  return glob;
}

/** `**` written as a whole segment followed by `/`: zero or more whole segments. */
function leadingSegmentsStar(glob: string, start: number, end: number): boolean {
  return (start === 0 || glob[start - 1] === '/') && glob[end] === '/';
}

/** The regular expression source of a glob (see the header for the rules). */
export function globSource(glob: string): string {
  let source = '';
  let i = 0;
  while (i < glob.length) {
    if (glob[i] === '/' && /^\/\*{2,}$/.test(glob.slice(i))) {
      source += '(?:/.*)?';
      break;
    }
    STARS_AT.lastIndex = i;
    const stars = STARS_AT.exec(glob);
    if (stars) {
      const end = i + stars[0].length;
      if (stars[0].length === 1) source += '[^/]*';
      else if (leadingSegmentsStar(glob, i, end)) {
        source += '(?:.*/)?';
        i = end + 1;
        continue;
      } else source += '.*';
      i = end;
      continue;
    }
    source += glob[i] === '?' ? '[^/]' : glob[i].replace(REGEX_SPECIAL, '\\$&');
    i++;
  }
  return `^${source}$`;
}

/** The compiled glob. `s`: `.` in `**` matches every character; `u`: a name is matched by code points. */
export function globRegExp(glob: string): RegExp {
  return new RegExp(globSource(glob), 'su');
}

/** Whether a repository name matches any of the globs (each must match the whole name). */
export function repositoryMatches(globs: readonly string[], repository: string): boolean {
  return globs.some((glob) => globRegExp(glob).test(repository));
}

/** The normalised host of an address, or undefined when it is not one. */
function hostOf(address: string): string | undefined {
  try {
    return parseRegistry(address).host;
  } catch {
    return undefined;
  }
}

/**
 * The rule that applies to a repository of a registry: the FIRST rule, in file order, whose registry is the same
 * host (parseRegistry's normalised host[:port]; the scheme is ignored) and one of whose globs matches. So a later
 * rule never applies to a repository an earlier rule matched. Throws BAD_INPUT when `host` is not a registry address.
 */
export function ruleFor(document: PolicyDocument, host: string, repository: string): PolicyRule | undefined {
  const wanted = parseRegistry(host).host;
  return document.rules.find((rule) => hostOf(rule.registry) === wanted && repositoryMatches(rule.repositories, repository));
}
