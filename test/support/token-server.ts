// A small Docker token server on loopback for the real registry's `auth.token` mode (tests only).
// It implements the flow the registry expects (see the registry-facts note): GET realm?service=&scope=… with
// Basic or no credentials, and the OAuth2 POST (grant_type=password | refresh_token). Tokens are ES256 JWTs,
// raw r||s signatures, with `kid` = the libtrust fingerprint of the key (or `x5c`), signed by a self-signed
// certificate made with the openssl CLI at startup; the registry trusts it through `rootcertbundle`.
// It records what was asked (method, grant, user name, scopes, status), never a token or a password.
import { execFile } from 'node:child_process';
import { createHash, createPrivateKey, createPublicKey, randomBytes, randomUUID, sign, type KeyObject } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { inspect, promisify } from 'node:util';
import { ensureSystemPackages, makeTestDir } from './system';

const execFileAsync = promisify(execFile);

/** Grants `actions` on resources of `type` whose name matches `name` (`*` is a wildcard: `*`, `team/*`). */
export interface AccessRule {
  /** `repository` (default) or `registry` (for `registry:catalog:*`). */
  type?: string;
  name: string;
  actions: string[];
}

/** Everything, including `delete` and `*`, on every repository, and the catalog. */
export const ACCESS_FULL: AccessRule[] = [
  { type: 'repository', name: '*', actions: ['pull', 'push', 'delete', '*'] },
  { type: 'registry', name: 'catalog', actions: ['*'] },
];
/** Pull on every repository and the catalog; a DELETE gets 401 insufficient_scope from the registry. */
export const ACCESS_PULL_ONLY: AccessRule[] = [
  { type: 'repository', name: '*', actions: ['pull'] },
  { type: 'registry', name: 'catalog', actions: ['*'] },
];
/** Refuses the `delete` action but grants `*` (which the registry accepts for DELETE): the skopeo-style fallback. */
export const ACCESS_STAR_NOT_DELETE: AccessRule[] = [
  { type: 'repository', name: '*', actions: ['pull', 'push', '*'] },
  { type: 'registry', name: 'catalog', actions: ['*'] },
];

export interface TokenUser {
  username: string;
  password: string;
  /** Default ACCESS_FULL. */
  access?: AccessRule[];
  /** An identity (refresh) token this user may exchange with POST grant_type=refresh_token. */
  refreshToken?: string;
}

export interface TokenServerOptions {
  service?: string;
  issuer?: string;
  users?: TokenUser[];
  /** What a request without credentials gets: rules (default none: a token with empty access), or false for 401. */
  anonymous?: AccessRule[] | false;
  /** Token lifetime in seconds, also sent as `expires_in`. null: omit `expires_in` (clients assume 60 s), token lives 60 s. Default 300. */
  expiresIn?: number | null;
  /** How the JWT names its key: `kid` (libtrust fingerprint, default) or `x5c` (the certificate). */
  keyHeader?: 'kid' | 'x5c';
  /** Folder for the key and certificate; default a fresh temp folder removed on stop. */
  dir?: string;
}

export type GrantType = 'anonymous' | 'basic' | 'password' | 'refresh_token';

/** One request to the token server, without any secret. */
export interface TokenRequestRecord {
  method: string;
  grantType: GrantType | 'invalid';
  username?: string;
  /** The scopes asked for, as sent (`repository:app:pull,delete`). */
  scopes: string[];
  service?: string;
  /** Whether a refresh token was asked for (GET offline_token=true, POST access_type=offline). */
  offline: boolean;
  status: number;
}

export interface TokenServer {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** `http://127.0.0.1:PORT/token`, the registry's `auth.token.realm`. */
  realm: string;
  service: string;
  issuer: string;
  /** PEM certificate for the registry's `rootcertbundle`. */
  certPath: string;
  /** The libtrust fingerprint put in `kid`. */
  keyId: string;
  /** Every request so far (live array; use reset() to clear). */
  requests: TokenRequestRecord[];
  /** Requests that got a token (status 200). */
  issuedCount(): number;
  reset(): void;
  /** Changes a user's rules from now on. */
  setAccess(username: string, rules: AccessRule[]): void;
  /** Makes every request fail with this status (e.g. 500, 503) until called with undefined. */
  setFailure(status: number | undefined): void;
  stop(): Promise<void>;
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32NoPad(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/** The libtrust key ID: base32 of the first 30 bytes of sha256(SPKI DER), in groups of 4 joined by ':'. */
export function libtrustKeyId(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  const b32 = base32NoPad(createHash('sha256').update(der).digest().subarray(0, 30));
  return b32.match(/.{1,4}/g)!.join(':');
}

function b64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

/** Parses `type:name:actions` (the name may hold ':' as in `host:5000/repo`). */
export function parseScope(scope: string): { type: string; name: string; actions: string[] } | undefined {
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first <= 0 || last === first) return undefined;
  const actions = scope.slice(last + 1).split(',').filter((a) => a !== '');
  return { type: scope.slice(0, first), name: scope.slice(first + 1, last), actions };
}

function globMatch(pattern: string, name: string): boolean {
  const re = new RegExp('^' + pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$');
  return re.test(name);
}

/** The actions granted for one requested scope: the requested ones the rules allow (strict intersection). */
export function grantScope(rules: AccessRule[], scope: string): { type: string; name: string; actions: string[] } | undefined {
  const parsed = parseScope(scope);
  if (parsed === undefined) return undefined;
  const allowed = new Set<string>();
  for (const rule of rules) {
    if ((rule.type ?? 'repository') === parsed.type && globMatch(rule.name, parsed.name)) for (const a of rule.actions) allowed.add(a);
  }
  return { ...parsed, actions: parsed.actions.filter((a) => allowed.has(a)) };
}

function splitScopes(values: string[]): string[] {
  return values.flatMap((v) => v.split(' ')).filter((s) => s !== '');
}

async function makeKeyPair(dir: string, subject: string): Promise<{ key: KeyObject; certPath: string; certDer: Buffer }> {
  ensureSystemPackages(['openssl']);
  const keyPath = join(dir, 'token-key.pem');
  const certPath = join(dir, 'token-cert.pem');
  await execFileAsync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', keyPath, '-out', certPath, '-days', '7', '-subj', `/CN=${subject}`,
  ], { timeout: 30_000 });
  const key = createPrivateKey(readFileSync(keyPath));
  const pem = readFileSync(certPath, 'utf8');
  const certDer = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  return { key, certPath, certDer };
}

function readBody(req: IncomingMessage, limit = 64 * 1024): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) req.destroy(new Error('body too large'));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export async function startTokenServer(options: TokenServerOptions = {}): Promise<TokenServer> {
  const service = options.service ?? 'regx-test-registry';
  const issuer = options.issuer ?? 'regx-test-token-issuer';
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? makeTestDir('regx-token-');
  const { key, certPath, certDer } = await makeKeyPair(dir, issuer);
  const keyId = libtrustKeyId(createPublicKey(key));
  const users = new Map<string, TokenUser>((options.users ?? []).map((u) => [u.username, { ...u }]));
  const anonymous = options.anonymous ?? [];
  const expiresIn = options.expiresIn === undefined ? 300 : options.expiresIn;
  const lifetime = expiresIn ?? 60;
  // Refresh tokens issued on request (offline), on top of the configured ones.
  const issuedRefresh = new Map<string, string>();
  const requests: TokenRequestRecord[] = [];
  let failure: number | undefined;

  function refreshOwner(token: string): string | undefined {
    for (const u of users.values()) if (u.refreshToken !== undefined && u.refreshToken === token) return u.username;
    return issuedRefresh.get(token);
  }

  function refreshFor(username: string): string {
    const configured = users.get(username)?.refreshToken;
    if (configured !== undefined) return configured;
    const t = `regx-test-refresh-${randomBytes(16).toString('hex')}`;
    issuedRefresh.set(t, username);
    return t;
  }

  function mint(username: string | undefined, scopes: string[]): { token: string; access: ReturnType<typeof grantScope>[] } {
    const rules = username === undefined ? (anonymous === false ? [] : anonymous) : (users.get(username)?.access ?? ACCESS_FULL);
    const access = scopes.map((s) => grantScope(rules, s)).filter((a) => a !== undefined);
    const now = Math.floor(Date.now() / 1000);
    const header: Record<string, unknown> = { typ: 'JWT', alg: 'ES256' };
    if (options.keyHeader === 'x5c') header.x5c = [certDer.toString('base64')];
    else header.kid = keyId;
    const claims = { iss: issuer, sub: username ?? '', aud: service, exp: now + lifetime, nbf: now - 10, iat: now, jti: randomUUID(), access };
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    const sig = sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
    return { token: `${input}.${b64url(sig)}`, access };
  }

  function tokenBody(token: string, refresh?: string): Record<string, unknown> {
    const body: Record<string, unknown> = { token, access_token: token, issued_at: new Date().toISOString() };
    if (expiresIn !== null) body.expires_in = expiresIn;
    if (refresh !== undefined) body.refresh_token = refresh;
    return body;
  }

  function basicUser(header: string | undefined): { username?: string; ok: boolean; present: boolean } {
    if (header === undefined || !/^basic /i.test(header)) return { ok: false, present: false };
    const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const username = colon < 0 ? decoded : decoded.slice(0, colon);
    const password = colon < 0 ? '' : decoded.slice(colon + 1);
    const user = users.get(username);
    return { username, ok: user !== undefined && user.password === password, present: true };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://token.invalid');
    const record: TokenRequestRecord = { method: req.method ?? '', grantType: 'invalid', scopes: [], offline: false, status: 0 };
    requests.push(record);
    const reply = (status: number, body: unknown, headers?: Record<string, string>): void => {
      record.status = status;
      sendJson(res, status, body, headers);
    };
    if (url.pathname !== '/token') return reply(404, { errors: [{ code: 'NOT_FOUND', message: 'only /token here' }] });
    if (req.method === 'GET') {
      record.scopes = splitScopes(url.searchParams.getAll('scope'));
      record.service = url.searchParams.get('service') ?? undefined;
      record.offline = url.searchParams.get('offline_token') === 'true';
      const basic = basicUser(req.headers.authorization);
      record.grantType = basic.present ? 'basic' : 'anonymous';
      record.username = basic.username;
      if (failure !== undefined) return reply(failure, { errors: [{ code: 'UNAVAILABLE', message: 'token server failure (test)' }] });
      if (basic.present && !basic.ok) {
        return reply(401, { errors: [{ code: 'UNAUTHORIZED', message: 'invalid username or password' }] }, { 'WWW-Authenticate': 'Basic realm="regx-test-token"' });
      }
      if (!basic.present && anonymous === false) {
        return reply(401, { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }, { 'WWW-Authenticate': 'Basic realm="regx-test-token"' });
      }
      const { token } = mint(basic.username, record.scopes);
      const refresh = record.offline && basic.username !== undefined ? refreshFor(basic.username) : undefined;
      return reply(200, tokenBody(token, refresh));
    }
    if (req.method === 'POST') {
      const form = new URLSearchParams(await readBody(req));
      record.scopes = splitScopes(form.getAll('scope'));
      record.service = form.get('service') ?? undefined;
      record.offline = form.get('access_type') === 'offline';
      const grant = form.get('grant_type');
      if (failure !== undefined) return reply(failure, { error: 'temporarily_unavailable' });
      let username: string | undefined;
      if (grant === 'password') {
        record.grantType = 'password';
        username = form.get('username') ?? '';
        record.username = username;
        const user = users.get(username);
        if (user === undefined || user.password !== form.get('password')) return reply(401, { error: 'invalid_grant', error_description: 'invalid username or password' });
      } else if (grant === 'refresh_token') {
        record.grantType = 'refresh_token';
        username = refreshOwner(form.get('refresh_token') ?? '');
        record.username = username;
        if (username === undefined) return reply(400, { error: 'invalid_grant', error_description: 'unknown refresh token' });
      } else {
        return reply(400, { error: 'unsupported_grant_type' });
      }
      const { token } = mint(username, record.scopes);
      const body = tokenBody(token, record.offline ? refreshFor(username) : undefined);
      delete body.token; // the OAuth2 answer has access_token only
      body.scope = record.scopes.join(' ');
      return reply(200, body);
    }
    return reply(405, { errors: [{ code: 'UNSUPPORTED', message: 'GET or POST' }] });
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) sendJson(res, 500, { errors: [{ code: 'UNKNOWN', message: 'token server error' }] });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  let stopped = false;

  const ts: TokenServer = {
    url,
    realm: `${url}/token`,
    service,
    issuer,
    certPath,
    keyId,
    requests,
    issuedCount: () => requests.filter((r) => r.status === 200).length,
    reset: () => {
      requests.length = 0;
    },
    setAccess: (username, rules) => {
      const user = users.get(username);
      if (user === undefined) throw new Error(`token server: no user ${username}`);
      user.access = rules;
    },
    setFailure: (status) => {
      failure = status;
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (ownDir) rmSync(dir, { recursive: true, force: true });
    },
  };
  Object.defineProperty(ts, inspect.custom, { value: () => `TokenServer(${ts.realm})`, enumerable: false });
  return ts;
}
