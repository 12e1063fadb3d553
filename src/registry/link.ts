// `Link: <url>; rel="next"` (RFC 8288), resolved against the URL of the page that carried it.

export function nextLink(header: string | string[] | undefined, pageUrl: string): string | undefined {
  if (header === undefined) return undefined;
  const values = Array.isArray(header) ? header : [header];
  for (const value of values) {
    for (const m of value.matchAll(/<([^>]*)>((?:\s*;\s*[^;,]+)*)/g)) {
      const params = m[2];
      const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;"]+))/i.exec(params);
      if (rel && (rel[1] ?? rel[2]).toLowerCase().split(/\s+/).includes('next')) {
        try {
          return new URL(m[1], pageUrl).toString();
        } catch {
          return undefined;
        }
      }
    }
  }
  return undefined;
}
