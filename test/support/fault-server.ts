// The FAULT server: a tiny scriptable HTTP server on loopback for what a real registry cannot produce
// (paging Link loops, 429/5xx, resets, wrong digests, odd challenges, redirects, other DELETE behaviours).
// It is NOT a registry: engine behaviour against a registry is tested on the real docker-registry.
// Routes are plain data; each server keeps a request log without any credential (only whether an
// Authorization header was sent and its scheme).
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { listenOnLoopback } from './loopback';

export interface FaultRequestRecord {
  method: string;
  /** Path and query as received. */
  url: string;
  path: string;
  /** Request headers without Authorization / Proxy-Authorization / Cookie. */
  headers: Record<string, string>;
  /** Whether an Authorization header was sent, and its scheme (`Basic`, `Bearer`), never its value. */
  authorization: { present: boolean; scheme?: string };
  bodyBytes: number;
  /** Status sent (0 when the socket was destroyed). */
  status: number;
}

export interface FaultResponse {
  status: number;
  headers?: Record<string, string>;
  /** A string or Buffer is sent as is; anything else as JSON. */
  body?: string | Buffer | object;
  /** Destroy the socket instead of answering (connection reset). */
  destroy?: boolean;
  /** Wait before answering. */
  delayMs?: number;
  /** HEAD answers: send this Content-Length without a body. */
  contentLength?: number;
}

export interface FaultContext {
  server: FaultServer;
  /** The request URL, parsed against the server's URL. */
  url: URL;
  /** The request body (already read). */
  body: Buffer;
  /** This request's record in the log (status filled in after sending). */
  record: FaultRequestRecord;
  /** 1-based count of requests this route (or, for a plain handler, this method + path) has seen. */
  hit: number;
}

export type FaultResponder = FaultResponse | FaultResponse[] | ((req: IncomingMessage, ctx: FaultContext) => FaultResponse | Promise<FaultResponse>);

export interface FaultRoute {
  /** Method(s) matched; default any. */
  method?: string | string[];
  /** Exact path (without query) or a RegExp tested on the path. */
  path: string | RegExp;
  /** Extra condition. */
  when?: (req: IncomingMessage, ctx: FaultContext) => boolean;
  /** A response; a list answers the n-th matching request with the n-th item (the last repeats); or a function. */
  respond: FaultResponder;
}

export type FaultHandler = (req: IncomingMessage, res: ServerResponse, ctx: FaultContext) => void | Promise<void>;

export interface FaultServer {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** `127.0.0.1:PORT` */
  host: string;
  port: number;
  log: FaultRequestRecord[];
  /** Log entries filtered by method and/or a path prefix or RegExp. */
  requests(filter?: { method?: string; path?: string | RegExp }): FaultRequestRecord[];
  reset(): void;
  /** Replaces the routes (or handler) from now on. */
  setRoutes(routes: FaultRoute[] | FaultHandler): void;
  stop(): Promise<void>;
}

// ---------------------------------------------------------------- core

function sendResponse(req: IncomingMessage, res: ServerResponse, r: FaultResponse, record: FaultRequestRecord): void {
  if (r.destroy) {
    record.status = 0;
    req.socket.destroy();
    return;
  }
  let body: Buffer = Buffer.alloc(0);
  const headers: Record<string, string> = { ...r.headers };
  if (r.body !== undefined) {
    if (typeof r.body === 'string') body = Buffer.from(r.body);
    else if (Buffer.isBuffer(r.body)) body = r.body;
    else {
      body = Buffer.from(JSON.stringify(r.body));
      if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/json';
    }
  }
  if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-length')) headers['Content-Length'] = String(r.contentLength ?? body.length);
  record.status = r.status;
  res.writeHead(r.status, headers);
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** Sends a FaultResponse (honouring delayMs and destroy). For plain handlers. */
export async function faultSend(req: IncomingMessage, res: ServerResponse, ctx: FaultContext, r: FaultResponse): Promise<void> {
  if (r.delayMs) await new Promise((resolve) => setTimeout(resolve, r.delayMs));
  sendResponse(req, res, r, ctx.record);
}

function methodMatches(route: FaultRoute, method: string): boolean {
  if (route.method === undefined) return true;
  const list = Array.isArray(route.method) ? route.method : [route.method];
  return list.some((m) => m.toUpperCase() === method || (m.toUpperCase() === 'GET' && method === 'HEAD' && !list.includes('HEAD')));
}

function pathMatches(route: FaultRoute, path: string): boolean {
  return typeof route.path === 'string' ? route.path === path : route.path.test(path);
}

function routesHandler(routes: FaultRoute[]): FaultHandler {
  const counters = new Map<FaultRoute, number>();
  return async (req, res, ctx) => {
    for (const route of routes) {
      if (!methodMatches(route, req.method ?? '') || !pathMatches(route, ctx.url.pathname)) continue;
      if (route.when && !route.when(req, ctx)) continue;
      const hit = (counters.get(route) ?? 0) + 1;
      counters.set(route, hit);
      const rctx = { ...ctx, hit };
      const r = route.respond;
      const response = typeof r === 'function' ? await r(req, rctx) : Array.isArray(r) ? r[Math.min(hit, r.length) - 1] : r;
      await faultSend(req, res, rctx, response);
      return;
    }
    await faultSend(req, res, ctx, faultError(404, 'NOT_FOUND', `no fault route for ${req.method} ${ctx.url.pathname}`));
  };
}

/** Starts a fault server on 127.0.0.1 with routes (data) or a handler function. */
export async function startFaultServer(routesOrHandler: FaultRoute[] | FaultHandler = []): Promise<FaultServer> {
  let handler: FaultHandler = Array.isArray(routesOrHandler) ? routesHandler(routesOrHandler) : routesOrHandler;
  const log: FaultRequestRecord[] = [];
  const hits = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', () => undefined);
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) {
        if (k === 'authorization' || k === 'proxy-authorization' || k === 'cookie' || v === undefined) continue;
        headers[k] = Array.isArray(v) ? v.join(', ') : v;
      }
      const auth = req.headers.authorization;
      const url = new URL(req.url ?? '/', `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
      const record: FaultRequestRecord = {
        method: req.method ?? '',
        url: req.url ?? '/',
        path: url.pathname,
        headers,
        authorization: auth === undefined ? { present: false } : { present: true, scheme: auth.split(' ')[0] },
        bodyBytes: body.length,
        status: 0,
      };
      log.push(record);
      const key = `${record.method} ${record.path}`;
      const hit = (hits.get(key) ?? 0) + 1;
      hits.set(key, hit);
      Promise.resolve(handler(req, res, { server: self, url, body, record, hit })).catch((err: unknown) => {
        if (!res.headersSent) sendResponse(req, res, faultError(500, 'UNKNOWN', `fault handler threw: ${(err as Error).message}`), record);
        else res.destroy();
      });
    });
  });
  const listening = await listenOnLoopback(server);
  const port = listening.port;
  const self: FaultServer = {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    port,
    log,
    requests: (filter = {}) =>
      log.filter(
        (r) =>
          (filter.method === undefined || r.method === filter.method.toUpperCase()) &&
          (filter.path === undefined || (typeof filter.path === 'string' ? r.path.startsWith(filter.path) : filter.path.test(r.path))),
      ),
    reset: () => {
      log.length = 0;
      hits.clear();
    },
    setRoutes: (next) => {
      handler = Array.isArray(next) ? routesHandler(next) : next;
    },
    stop: listening.stop,
  };
  return self;
}

// ---------------------------------------------------------------- responses

/** A registry-style error: `{"errors":[{"code","message"}]}`. */
export function faultError(status: number, code: string, message?: string, headers: Record<string, string> = {}): FaultResponse {
  return { status, headers: { 'Content-Type': 'application/json', ...headers }, body: { errors: [{ code, message: message ?? code.toLowerCase().replace(/_/g, ' '), detail: null }] } };
}

/** Ready-made error answers as real registries send them. */
export const FAULT_ERRORS = {
  deleteUnsupported: faultError(405, 'UNSUPPORTED', 'The operation is unsupported.'),
  unauthorized: faultError(401, 'UNAUTHORIZED', 'authentication required', { 'WWW-Authenticate': 'Basic realm="fault"' }),
  denied: faultError(403, 'DENIED', 'requested access to the resource is denied'),
  manifestUnknown: faultError(404, 'MANIFEST_UNKNOWN', 'manifest unknown'),
  nameUnknown: faultError(404, 'NAME_UNKNOWN', 'repository name not known to registry'),
  digestInvalid: faultError(400, 'DIGEST_INVALID', 'provided digest did not match uploaded content'),
  tooManyRequests: faultError(429, 'TOOMANYREQUESTS', 'too many requests'),
} satisfies Record<string, FaultResponse>;

/** WWW-Authenticate values seen in the wild (and broken ones). */
export const FAULT_CHALLENGES = {
  harbor: 'Basic realm="Harbor"',
  nexus: 'BASIC realm="Sonatype Nexus Repository Manager"',
  garbage: 'Bearer realm=',
  garbageNoParams: 'Bearer',
  unknownScheme: 'Negotiate',
  unquoted: 'Bearer realm=http://127.0.0.1:1/token,service=fault',
} as const;

function seq(times: number, failing: FaultResponse, then: FaultResponse): FaultResponse[] {
  return [...Array.from({ length: times }, () => failing), then];
}

// ---------------------------------------------------------------- scenarios (each returns routes)

/** GET /v2/ answering 200, or 401 with the given WWW-Authenticate. */
export function faultV2(challenge?: string): FaultRoute[] {
  const r: FaultResponse =
    challenge === undefined ? { status: 200, headers: { 'Docker-Distribution-Api-Version': 'registry/2.0' }, body: {} } : faultError(401, 'UNAUTHORIZED', 'authentication required', { 'WWW-Authenticate': challenge });
  return [{ method: 'GET', path: '/v2/', respond: r }];
}

/** Every request answers 401 with this challenge (e.g. FAULT_CHALLENGES.harbor). */
export function faultChallenge(challenge: string, path: string | RegExp = /.*/): FaultRoute[] {
  return [{ path, respond: faultError(401, 'UNAUTHORIZED', 'authentication required', { 'WWW-Authenticate': challenge }) }];
}

function listPath(repo: string | undefined): string {
  return repo === undefined ? '/v2/_catalog' : `/v2/${repo}/tags/list`;
}

function listBody(repo: string | undefined, items: string[]): object {
  return repo === undefined ? { repositories: items } : { name: repo, tags: items };
}

export interface FaultPagedListOptions {
  /** Tags of this repository; without it, the catalog. */
  repo?: string;
  items: string[];
  /** Page size when the client sends no `n`. */
  pageSize: number;
  /** Link header form: absolute URL or path only. Default relative. */
  link?: 'absolute' | 'relative';
  /** Use the client's `n` (default true); false always uses pageSize. */
  honorN?: boolean;
}

/** tags/list or _catalog paged with `n`/`last` and a Link header on every page but the last. */
export function faultPagedList(o: FaultPagedListOptions): FaultRoute[] {
  const path = listPath(o.repo);
  const sorted = [...o.items].sort();
  return [
    {
      method: 'GET',
      path,
      respond: (_req, ctx) => {
        const nParam = ctx.url.searchParams.get('n');
        const n = o.honorN !== false && nParam !== null ? Number(nParam) : o.pageSize;
        const last = ctx.url.searchParams.get('last');
        const rest = last === null ? sorted : sorted.filter((t) => t > last);
        const page = rest.slice(0, n);
        const headers: Record<string, string> = {};
        if (rest.length > page.length && page.length > 0) {
          const next = `${path}?n=${n}&last=${encodeURIComponent(page[page.length - 1])}`;
          headers.Link = `<${o.link === 'absolute' ? ctx.server.url + next : next}>; rel="next"`;
        }
        return { status: 200, headers, body: listBody(o.repo, page) };
      },
    },
  ];
}

/** Link loops: `self` points every page at itself; `cycle` goes page 1 → page 2 → page 1 … */
export function faultLinkLoop(o: { repo?: string; mode: 'self' | 'cycle' }): FaultRoute[] {
  const path = listPath(o.repo);
  return [
    {
      method: 'GET',
      path,
      respond: (req, ctx) => {
        if (o.mode === 'self') return { status: 200, headers: { Link: `<${req.url}>; rel="next"` }, body: listBody(o.repo, ['loop-a', 'loop-b']) };
        const second = ctx.url.searchParams.get('last') === 'page1-b';
        return second
          ? { status: 200, headers: { Link: `<${path}?n=2>; rel="next"` }, body: listBody(o.repo, ['page2-a', 'page2-b']) }
          : { status: 200, headers: { Link: `<${path}?n=2&last=page1-b>; rel="next"` }, body: listBody(o.repo, ['page1-a', 'page1-b']) };
      },
    },
  ];
}

/** A list that never ends: every page has new items and a Link to the next. */
export function faultEndlessLink(o: { repo?: string; pageSize?: number } = {}): FaultRoute[] {
  const path = listPath(o.repo);
  const size = o.pageSize ?? 2;
  return [
    {
      method: 'GET',
      path,
      respond: (_req, ctx) => {
        const last = Number((ctx.url.searchParams.get('last') ?? 'endless-0').replace('endless-', '')) || 0;
        const items = Array.from({ length: size }, (_, i) => `endless-${String(last + i + 1).padStart(9, '0')}`);
        return { status: 200, headers: { Link: `<${path}?n=${size}&last=${items[items.length - 1]}>; rel="next"` }, body: listBody(o.repo, items) };
      },
    },
  ];
}

/** `times` × 429 with Retry-After (seconds, or an HTTP-date that many seconds ahead), then `then`. */
export function faultRetryAfter(o: { method?: string; path: string | RegExp; times?: number; seconds?: number; form?: 'seconds' | 'date'; then: FaultResponse }): FaultRoute[] {
  const seconds = o.seconds ?? 1;
  return [
    {
      method: o.method,
      path: o.path,
      respond: (_req, ctx) => {
        if (ctx.hit > (o.times ?? 1)) return o.then;
        const value = o.form === 'date' ? new Date(Date.now() + seconds * 1000).toUTCString() : String(seconds);
        return faultError(429, 'TOOMANYREQUESTS', 'too many requests', { 'Retry-After': value });
      },
    },
  ];
}

/** `times` × 5xx (default 503), then `then`. */
export function faultServerErrors(o: { method?: string; path: string | RegExp; times: number; status?: number; then: FaultResponse }): FaultRoute[] {
  return [{ method: o.method, path: o.path, respond: seq(o.times, faultError(o.status ?? 503, 'UNAVAILABLE', 'service unavailable'), o.then) }];
}

/** `times` × connection reset (socket destroyed, no answer), then `then`. */
export function faultReset(o: { method?: string; path: string | RegExp; times?: number; then: FaultResponse }): FaultRoute[] {
  return [{ method: o.method, path: o.path, respond: seq(o.times ?? 1, { status: 0, destroy: true }, o.then) }];
}

/** 200 with a body that is not valid JSON. */
export function faultMalformedJson(o: { method?: string; path: string | RegExp; body?: string }): FaultRoute[] {
  return [{ method: o.method ?? 'GET', path: o.path, respond: { status: 200, headers: { 'Content-Type': 'application/json' }, body: o.body ?? '{"tags": ["1.0.0", ' } }];
}

/** A redirect (default 307) to another server: check there that no Authorization arrived. */
export function faultRedirect(o: { method?: string; path: string | RegExp; to: string; status?: number }): FaultRoute[] {
  return [{ method: o.method, path: o.path, respond: { status: o.status ?? 307, headers: { Location: o.to } } }];
}

export function sha256Digest(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** A small OCI image manifest for fault scenarios (no blobs behind it). */
export function faultManifestBytes(salt: string): Buffer {
  const fake = sha256Digest(`fault-config-${salt}`);
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: fake, size: 2 },
      layers: [],
      annotations: { 'fault.salt': salt },
    }),
  );
}

export interface FaultManifestOptions {
  repo: string;
  /** The tag it answers to (it also answers to its digest). */
  tag: string;
  body?: Buffer;
  mediaType?: string;
  /** HEAD: send the right Docker-Content-Digest (default), none (client must GET and hash), or a wrong one. */
  headDigest?: 'present' | 'absent' | 'wrong';
  /** GET: Docker-Content-Digest right (default), absent, or not matching the body's sha256. */
  getDigest?: 'present' | 'absent' | 'wrong';
}

/** HEAD/GET of one manifest with digest headers as told: the real digest of the body is returned too. */
export function faultManifest(o: FaultManifestOptions): { routes: FaultRoute[]; digest: string; body: Buffer } {
  const body = o.body ?? faultManifestBytes(`${o.repo}:${o.tag}`);
  const digest = sha256Digest(body);
  const wrong = sha256Digest(Buffer.concat([body, Buffer.from('fault')]));
  const mediaType = o.mediaType ?? 'application/vnd.oci.image.manifest.v1+json';
  const header = (mode: 'present' | 'absent' | 'wrong' | undefined): Record<string, string> =>
    mode === 'absent' ? {} : { 'Docker-Content-Digest': mode === 'wrong' ? wrong : digest };
  const path = new RegExp(`^/v2/${escapeRe(o.repo)}/manifests/(${escapeRe(o.tag)}|${escapeRe(digest)})$`);
  return {
    digest,
    body,
    routes: [
      { method: 'HEAD', path, respond: { status: 200, headers: { 'Content-Type': mediaType, ...header(o.headDigest) }, contentLength: body.length } },
      { method: 'GET', path, respond: { status: 200, headers: { 'Content-Type': mediaType, ...header(o.getDigest) }, body } },
    ],
  };
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

// ---------------------------------------------------------------- a tiny in-memory tag store

export interface FaultTagStoreOptions {
  repo: string;
  /** tag → image key; tags with the same key share one manifest (digest). */
  tags: Record<string, string>;
  /** DELETE /manifests/<tag>: remove just the tag (OCI 1.1 / distribution 3), 400 DIGEST_INVALID (distribution 2.8), or 405. */
  deleteByTag?: 'untag' | 'digest-invalid' | 'unsupported';
  /** DELETE /manifests/<digest>: 202 and drop every tag on it (default), 405 UNSUPPORTED, 403 DENIED or 401. */
  deleteByDigest?: 'accept' | 'unsupported' | 'forbidden' | 'unauthorized';
  /** Tags whose HEAD (and, with `lieOnGet`, GET) announces a Docker-Content-Digest that is not their manifest's. */
  lyingDigest?: string[];
  lieOnGet?: boolean;
}

export interface FaultTagStore {
  routes: FaultRoute[];
  /** image key → digest */
  digests: Record<string, string>;
  /** Current tag → digest. */
  tags(): Record<string, string>;
  /** Digests still stored. */
  manifests(): string[];
}

/**
 * A repository held in memory: tags/list, HEAD/GET manifests (404 MANIFEST_UNKNOWN when absent) and DELETE
 * with the chosen behaviour. For DELETE semantics a real 2.8.2 registry does not have.
 */
export function faultTagStore(o: FaultTagStoreOptions): FaultTagStore {
  const bodies = new Map<string, Buffer>();
  const digests: Record<string, string> = {};
  const tags = new Map<string, string>();
  for (const [tag, key] of Object.entries(o.tags)) {
    if (digests[key] === undefined) {
      const body = faultManifestBytes(`${o.repo}:${key}`);
      digests[key] = sha256Digest(body);
      bodies.set(digests[key], body);
    }
    tags.set(tag, digests[key]);
  }
  const repo = escapeRe(o.repo);
  const manifestPath = new RegExp(`^/v2/${repo}/manifests/([^/]+)$`);
  const resolve = (ref: string): string | undefined => (ref.startsWith('sha256:') ? (bodies.has(ref) ? ref : undefined) : tags.get(ref));
  const refOf = (ctx: FaultContext): string => decodeURIComponent(manifestPath.exec(ctx.url.pathname)![1]);

  const routes: FaultRoute[] = [
    { method: 'GET', path: `/v2/${o.repo}/tags/list`, respond: () => ({ status: 200, body: { name: o.repo, tags: [...tags.keys()] } }) },
    {
      method: ['GET', 'HEAD'],
      path: manifestPath,
      respond: (req, ctx) => {
        const ref = refOf(ctx);
        const digest = resolve(ref);
        if (digest === undefined) return FAULT_ERRORS.manifestUnknown;
        const body = bodies.get(digest)!;
        const lies = o.lyingDigest?.includes(ref) && (req.method === 'HEAD' || o.lieOnGet);
        const announced = lies ? sha256Digest(Buffer.concat([body, Buffer.from('lie')])) : digest;
        return { status: 200, headers: { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json', 'Docker-Content-Digest': announced }, body, contentLength: body.length };
      },
    },
    {
      method: 'DELETE',
      path: manifestPath,
      respond: (_req, ctx) => {
        const ref = refOf(ctx);
        if (!ref.startsWith('sha256:')) {
          if (o.deleteByTag === 'unsupported') return FAULT_ERRORS.deleteUnsupported;
          if (o.deleteByTag !== 'untag') return FAULT_ERRORS.digestInvalid;
          if (!tags.delete(ref)) return FAULT_ERRORS.manifestUnknown;
          return { status: 202 };
        }
        switch (o.deleteByDigest ?? 'accept') {
          case 'unsupported':
            return FAULT_ERRORS.deleteUnsupported;
          case 'forbidden':
            return FAULT_ERRORS.denied;
          case 'unauthorized':
            return FAULT_ERRORS.unauthorized;
          default:
            if (!bodies.delete(ref)) return FAULT_ERRORS.manifestUnknown;
            for (const [t, d] of tags) if (d === ref) tags.delete(t);
            return { status: 202 };
        }
      },
    },
  ];
  return { routes, digests, tags: () => Object.fromEntries(tags), manifests: () => [...bodies.keys()] };
}

// ---------------------------------------------------------------- bearer across servers

/** Routes for a fault token realm: GET (any path given) answers `{token}`; optionally requires Basic user:password. */
export function faultTokenRealm(o: { path?: string; token: string; basic?: { username: string; password: string } }): FaultRoute[] {
  const expected = o.basic ? `Basic ${Buffer.from(`${o.basic.username}:${o.basic.password}`).toString('base64')}` : undefined;
  return [
    {
      method: ['GET', 'POST'],
      path: o.path ?? '/token',
      respond: (req) => {
        if (expected !== undefined && req.headers.authorization !== expected) return faultError(401, 'UNAUTHORIZED', 'bad credentials');
        return { status: 200, body: { token: o.token, access_token: o.token, expires_in: 300 } };
      },
    },
  ];
}

/**
 * Puts routes behind bearer auth: a request without `Authorization: Bearer <token>` gets 401 with
 * `Bearer realm="<realm>",service="<service>",scope="repository:<repo>:pull"` (`…:delete` for DELETE).
 * The realm can be any URL, e.g. another fault server's (another port) or a plain-http one.
 */
export function faultBearer(o: { realm: string; service?: string; token: string }, routes: FaultRoute[]): FaultRoute[] {
  const service = o.service ?? 'fault-registry';
  const guard: FaultRoute = {
    path: /.*/,
    when: (req) => req.headers.authorization !== `Bearer ${o.token}`,
    respond: (req, ctx) => {
      const m = /^\/v2\/(.+?)\/(tags|manifests|blobs)\//.exec(ctx.url.pathname);
      const scope = m ? `,scope="repository:${m[1]}:${req.method === 'DELETE' ? 'delete' : 'pull'}"` : ctx.url.pathname === '/v2/_catalog' ? ',scope="registry:catalog:*"' : '';
      return faultError(401, 'UNAUTHORIZED', 'authentication required', { 'WWW-Authenticate': `Bearer realm="${o.realm}",service="${service}"${scope}` });
    },
  };
  return [guard, ...routes];
}
