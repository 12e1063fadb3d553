// Redaction for any text that may hold a secret: log lines, and what a server sends that an error quotes.

const PATTERNS: [RegExp, string][] = [
  // Authorization: Bearer xyz / Basic xyz, Proxy-Authorization, Cookie headers written into a line
  [/\b((?:proxy-)?authorization|cookie|set-cookie)(\s*[:=]\s*)("?)[^\s",;]+(?:\s+[^\s",;]+)?/gi, '$1$2$3***'],
  [/\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, '$1 ***'],
  // token=…, access_token=…, refresh_token=…, password=… in query strings or form bodies
  [/\b(token|access_token|refresh_token|identitytoken|password|passwd|secret|client_secret)=([^&\s"]+)/gi, '$1=***'],
  // JSON fields with secrets
  [/("(?:token|access_token|refresh_token|identitytoken|password|secret|auth)"\s*:\s*")[^"]*(")/gi, '$1***$2'],
  // user:password@ in URLs
  [/(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+:[^/\s@]+@/gi, '$1***:***@'],
];

/** The line with credentials and every known secret value replaced by `***`. */
export function redact(line: string, secrets: Iterable<string> = []): string {
  let out = line;
  for (const s of secrets) {
    if (s) out = out.split(s).join('***');
  }
  for (const [re, by] of PATTERNS) out = out.replace(re, by);
  return out;
}
