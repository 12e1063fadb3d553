// WWW-Authenticate parsing per RFC 7235: several challenges in one header, parameters in any order,
// quoted strings with commas and backslash escapes, token68 values.

export interface Challenge {
  /** Lower-cased: 'basic', 'bearer', … */
  scheme: string;
  /** Parameter names lower-cased. */
  params: Record<string, string>;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+/;

export function parseChallenges(header: string | string[] | undefined): Challenge[] {
  if (header === undefined) return [];
  const headers = Array.isArray(header) ? header : [header];
  return headers.flatMap(parseOne);
}

function parseOne(input: string): Challenge[] {
  const out: Challenge[] = [];
  let s = input;
  let current: Challenge | undefined;
  const skip = (re: RegExp): void => {
    s = s.replace(re, '');
  };
  while (true) {
    skip(/^[\s,]+/);
    if (!s) break;
    const tok = TOKEN.exec(s);
    if (!tok) {
      // Unparseable garbage: drop one character and carry on rather than fail the whole header.
      s = s.slice(1);
      continue;
    }
    const word = tok[0];
    const after = s.slice(word.length);
    const eq = /^\s*=\s*/.exec(after);
    if (current && eq && !/^\s*=\s*=*\s*(,|$)/.test(after)) {
      // auth-param: name = token / quoted-string
      s = after.slice(eq[0].length);
      const value = readValue();
      current.params[word.toLowerCase()] = value;
      continue;
    }
    // A new challenge: scheme [token68 | params]
    current = { scheme: word.toLowerCase(), params: {} };
    out.push(current);
    s = after;
    const t68 = /^\s+([A-Za-z0-9\-._~+/]+=*)\s*(,|$)/.exec(s);
    if (t68 && !/^\s+[!#$%&'*+\-.^_`|~0-9A-Za-z]+\s*=\s*[^=,\s]/.test(s)) {
      current.params.token68 = t68[1];
      s = s.slice(t68[0].length);
    }
  }
  return out;

  function readValue(): string {
    if (s.startsWith('"')) {
      let value = '';
      let i = 1;
      for (; i < s.length; i++) {
        const c = s[i];
        if (c === '\\' && i + 1 < s.length) {
          value += s[++i];
        } else if (c === '"') {
          break;
        } else {
          value += c;
        }
      }
      s = s.slice(i + 1);
      return value;
    }
    const m = /^[^,\s]*/.exec(s);
    const value = m ? m[0] : '';
    s = s.slice(value.length);
    return value;
  }
}

export function findChallenge(challenges: Challenge[], scheme: string): Challenge | undefined {
  return challenges.find((c) => c.scheme === scheme);
}
