// A FAKE referrers API for tests, in front of a REAL registry. Distribution 2.8.2 has no referrers API (it answers
// 404), so this fake adds one, as the OCI distribution spec 1.1 says ("Listing Referrers", spec.md):
//   GET /v2/<name>/referrers/<digest>[?artifactType=<type>]
//   - 200 with an image index (`Content-Type: application/vnd.oci.image.index.v1+json`, schemaVersion 2, mediaType,
//     `manifests`: one descriptor per manifest whose `subject` is <digest>, an empty list when there is none);
//   - each descriptor: mediaType, digest, size, `artifactType` (the manifest's, else its config's media type; left
//     out for an index without one), and the manifest's annotations;
//   - with `artifactType`, only those, and the header `OCI-Filters-Applied: artifactType` — unless told to ignore
//     filters (`applyFilters: false`), as a registry may: then every referrer and no such header;
//   - paging with `Link: <url>; rel="next"` when there are more (the spec leaves the cursor to the registry);
//   - a digest that is not valid: 400; a repository the registry does not have: 404 NAME_UNKNOWN.
// With `api: false` the route answers 404 as a registry without the API does. Everything else is forwarded to the
// real registry, and the referrers are read from that registry's storage (registry-storage.ts), so pushes and
// deletes made through the fake or around it are the registry's own.
// FAKE-CHOICE (the spec is silent): the order of descriptors (by digest), the cursor (`?last=<digest>&n=<size>`),
// and the page size (all on one page unless `pageSize` is given).
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOnLoopback } from './loopback';
import type { TestRegistry } from './registry';
import { storedRepositories, storedRepository, type StoredManifest } from './registry-storage';

export const OCI_INDEX_TYPE = 'application/vnd.oci.image.index.v1+json';

export interface FakeReferrersOptions {
  /** A real registry, auth 'none': everything but the referrers route is forwarded there; its storage is read. */
  registry: TestRegistry;
  /** Serve the referrers API (default true); false: 404 as a registry without it. */
  api?: boolean;
  /** Apply the artifactType filter and say so (default true); false: ignore it, as a registry may. */
  applyFilters?: boolean;
  /** Descriptors per page; default: every one on one page. */
  pageSize?: number;
  /** Next-page links point at this origin instead of the fake's own (a misconfigured proxy, or a hostile one). */
  linkOrigin?: string;
  /** Next-page links use this path instead of the listing's own. */
  linkPath?: string;
}

export interface FakeReferrersLogEntry {
  method: string;
  url: string;
  status: number;
}

export interface FakeReferrers {
  url: string;
  host: string;
  log: FakeReferrersLogEntry[];
  /** The requests whose path matches. */
  requests(path: RegExp): FakeReferrersLogEntry[];
  stop(): Promise<void>;
}

const DIGEST_RE = /^sha256:[a-f0-9]{64}$/;
const ROUTE = /^\/v2\/(.+)\/referrers\/([^/]+)$/;

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
}

/** The descriptor the spec asks for, for a stored manifest. */
function descriptorOf(m: StoredManifest): Descriptor {
  const json = m.json as { mediaType?: string; artifactType?: string; config?: { mediaType?: string }; annotations?: Record<string, string>; manifests?: unknown };
  const mediaType = json.mediaType ?? m.mediaType ?? '';
  const isIndex = Array.isArray(json.manifests);
  const artifactType = json.artifactType || (isIndex ? undefined : json.config?.mediaType);
  return { mediaType, digest: m.digest, size: m.bytes.length, ...(artifactType ? { artifactType } : {}), ...(json.annotations ? { annotations: json.annotations } : {}) };
}

function errorBody(code: string, message: string): string {
  return JSON.stringify({ errors: [{ code, message }] });
}

export async function startFakeReferrers(options: FakeReferrersOptions): Promise<FakeReferrers> {
  const reg = options.registry;
  const log: FakeReferrersLogEntry[] = [];
  let host = '';

  function forward(req: IncomingMessage, res: ServerResponse, body: Buffer, record: FakeReferrersLogEntry): void {
    const headers = { ...req.headers, host }; // the registry builds Location URLs from Host: they point back here
    const upstream = httpRequest({ host: '127.0.0.1', port: reg.port, method: req.method, path: req.url, headers }, (answer) => {
      record.status = answer.statusCode ?? 502;
      res.writeHead(record.status, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    upstream.end(body);
  }

  function send(res: ServerResponse, record: FakeReferrersLogEntry, status: number, body: string, headers: Record<string, string>): void {
    record.status = status;
    res.writeHead(status, { ...headers, 'Content-Length': String(Buffer.byteLength(body)) });
    res.end(body);
  }

  function referrers(req: IncomingMessage, res: ServerResponse, record: FakeReferrersLogEntry, name: string, digest: string): void {
    const json = { 'Content-Type': 'application/json; charset=utf-8' };
    if (options.api === false) return send(res, record, 404, '404 page not found\n', { 'Content-Type': 'text/plain; charset=utf-8' });
    if (!DIGEST_RE.test(digest)) return send(res, record, 400, errorBody('DIGEST_INVALID', 'provided digest did not match uploaded content'), json);
    if (!storedRepositories(reg.dataDir).includes(name)) return send(res, record, 404, errorBody('NAME_UNKNOWN', 'repository name not known to registry'), json);
    const url = new URL(req.url ?? '/', `http://${host}`);
    const wanted = url.searchParams.get('artifactType') ?? undefined;
    const filter = wanted !== undefined && options.applyFilters !== false;
    const all = storedRepository(reg.dataDir, name)
      .manifests.filter((m) => (m.json.subject as { digest?: unknown } | undefined)?.digest === digest)
      .map(descriptorOf)
      .filter((d) => !filter || d.artifactType === wanted)
      .sort((a, b) => (a.digest < b.digest ? -1 : 1));
    const last = url.searchParams.get('last');
    const from = last ? all.findIndex((d) => d.digest > last) : 0;
    const size = options.pageSize ?? (Number(url.searchParams.get('n') ?? 0) || all.length);
    const page = from < 0 ? [] : all.slice(from, from + Math.max(1, size));
    const headers: Record<string, string> = { 'Content-Type': OCI_INDEX_TYPE };
    if (filter) headers['OCI-Filters-Applied'] = 'artifactType';
    const more = from >= 0 && from + page.length < all.length;
    if (more) {
      const next = new URL(`${options.linkPath ?? url.pathname}`, options.linkOrigin ?? `http://${host}`);
      if (wanted !== undefined) next.searchParams.set('artifactType', wanted);
      next.searchParams.set('n', String(size));
      next.searchParams.set('last', page[page.length - 1].digest);
      headers.Link = `<${next.toString()}>; rel="next"`;
    }
    send(res, record, 200, JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX_TYPE, manifests: page }), headers);
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const record: FakeReferrersLogEntry = { method: req.method ?? 'GET', url: req.url ?? '/', status: 0 };
      log.push(record);
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const m = ROUTE.exec(path);
      if (m && (req.method === 'GET' || req.method === 'HEAD')) referrers(req, res, record, m[1], decodeURIComponent(m[2]));
      else forward(req, res, Buffer.concat(chunks), record);
    });
  });
  const listening = await listenOnLoopback(server);
  host = listening.host;
  return {
    url: `http://${host}`,
    host,
    log,
    requests: (path) => log.filter((e) => path.test(new URL(e.url, 'http://x').pathname)),
    stop: () => listening.stop(),
  };
}
