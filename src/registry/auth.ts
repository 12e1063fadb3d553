// The auth layer: wraps the transport, answers 401 challenges (Basic or Bearer token), caches tokens per
// (realm, service, scope) until they expire, and keeps credentials away from hosts that must not see them.
import { findChallenge, parseChallenges, type Challenge } from './challenge';
import { RegistryError } from './errors';
import { type HttpRequest, type HttpResponse, type Transport } from './transport';
import type { Credential, CredentialSource, Logger } from './types';

export interface AuthOptions {
  transport: Transport;
  host: string;
  credentials?: CredentialSource;
  /** The registry's base URL once known (`https://host`); the realm checks compare against it. */
  baseUrl: () => string;
  logger?: Logger;
}

export interface AuthedRequest extends HttpRequest {
  /** The token scope this request needs, e.g. `repository:app:pull`. */
  scope?: string;
}

export interface Authenticator {
  /** Sends with the right Authorization, answering one challenge if the registry asks. */
  send(req: AuthedRequest): Promise<HttpResponse>;
  /** What the registry asked for on its last challenge. */
  kind(): 'none' | 'basic' | 'bearer';
  /** Forget tokens (e.g. after credentials change). */
  reset(): void;
}

interface CachedToken {
  token: string;
  expiresAt: number;
}

export function createAuthenticator(options: AuthOptions): Authenticator {
  const { transport, host, logger } = options;
  let mode: 'none' | 'basic' | 'bearer' = 'none';
  let bearer: Challenge | undefined;
  const tokens = new Map<string, CachedToken>();
  const pendingTokens = new Map<string, Promise<string>>();
  let credential: Promise<Credential | undefined> | undefined;

  const getCredential = (): Promise<Credential | undefined> => {
    credential ??= options.credentials ? options.credentials(host) : Promise.resolve(undefined);
    return credential;
  };

  async function headerFor(scope: string | undefined, signal?: AbortSignal): Promise<string | undefined> {
    const cred = await getCredential();
    if (mode === 'basic') return basicHeader(cred);
    if (mode === 'bearer' && bearer) {
      if (cred?.registryToken) return `Bearer ${cred.registryToken}`;
      const cached = tokens.get(tokenKey(bearer, scope));
      if (cached && cached.expiresAt > Date.now()) return `Bearer ${cached.token}`;
      return `Bearer ${await token(bearer, scope, cred, signal)}`;
    }
    return undefined;
  }

  function token(challenge: Challenge, scope: string | undefined, cred: Credential | undefined, signal?: AbortSignal): Promise<string> {
    const key = tokenKey(challenge, scope);
    let pending = pendingTokens.get(key);
    if (!pending) {
      // One token request per key at a time: a batch of 1000 HEADs asks the token server once.
      pending = fetchToken(transport, host, new URL(options.baseUrl()), challenge, scope, cred, signal)
        .then((t) => {
          tokens.set(key, t);
          return t.token;
        })
        .finally(() => pendingTokens.delete(key));
      pendingTokens.set(key, pending);
    }
    return pending;
  }

  async function send(req: AuthedRequest): Promise<HttpResponse> {
    const sent = await headerFor(req.scope, req.signal);
    const first = await attempt(req, sent);
    if (first.status !== 401) return first;

    const challenges = parseChallenges(first.headers['www-authenticate']);
    const bearerChallenge = findChallenge(challenges, 'bearer');
    const basicChallenge = findChallenge(challenges, 'basic');
    const cred = await getCredential();
    // What this request carried, not the mode now: a request sent before a concurrent one logged in went
    // without credentials, and its 401 only means it must be sent again with them.
    const sentAuth = sent !== undefined;

    if (bearerChallenge) {
      const wasBearer = sent?.startsWith('Bearer ') === true;
      mode = 'bearer';
      bearer = bearerChallenge;
      if (cred?.registryToken) {
        if (wasBearer) throw unauthorized(first, req, cred);
        return finish(await attempt(req, `Bearer ${cred.registryToken}`), req, cred);
      }
      const scope = req.scope ?? bearerChallenge.params.scope;
      const insufficient = bearerChallenge.params.error === 'insufficient_scope';
      if (wasBearer && insufficient && scope?.endsWith(':delete')) return orStar(first, req, cred, scope);
      if (wasBearer && tokens.get(tokenKey(bearerChallenge, scope))?.token === sent.slice('Bearer '.length)) {
        // The token we held for this very scope was refused. Not for lack of permission (expired early, or the
        // registry's signing keys rotated): fetch a new one, once. Otherwise the permission is missing.
        if (insufficient) throw scopeError(first, req, cred, scope);
        tokens.delete(tokenKey(bearerChallenge, scope));
        return orStar(await attempt(req, `Bearer ${await token(bearerChallenge, scope, cred, req.signal)}`), req, cred, scope);
      }
      // Sent before a concurrent request fetched the token: use that token rather than asking again.
      const cached = tokens.get(tokenKey(bearerChallenge, scope));
      if (cached && cached.expiresAt > Date.now()) return orStar(await attempt(req, `Bearer ${cached.token}`), req, cred, scope);
      tokens.delete(tokenKey(bearerChallenge, scope));
      return orStar(await attempt(req, `Bearer ${await token(bearerChallenge, scope, cred, req.signal)}`), req, cred, scope);
    }
    if (basicChallenge) {
      const wasBasic = sent?.startsWith('Basic ') === true;
      mode = 'basic';
      const basic = basicHeader(cred);
      if (!basic || (wasBasic && sentAuth)) throw unauthorized(first, req, cred);
      // Basic has no scopes: a 401 to the password is a wrong password, whatever the request was.
      const second = await attempt(req, basic);
      if (second.status === 401) throw unauthorized(second, req, cred);
      return second;
    }
    throw new RegistryError('UNAUTHORIZED', `${host} refused the request and did not say how to log in`, {
      status: 401,
      fix: 'Check the credentials for this registry.',
    });
  }

  /** Token servers that refuse the `delete` action often grant `*` (skopeo asks for it the same way). */
  async function orStar(res: HttpResponse, req: AuthedRequest, cred: Credential | undefined, scope: string | undefined): Promise<HttpResponse> {
    const challenge = res.status === 401 ? findChallenge(parseChallenges(res.headers['www-authenticate']), 'bearer') : undefined;
    if (!challenge || challenge.params.error !== 'insufficient_scope' || !scope?.endsWith(':delete')) return finish(res, req, cred, scope);
    const star = scope.replace(/:delete$/, ':*');
    logger?.debug(`token for ${scope} was not enough; asking for ${star}`);
    return finish(await attempt(req, `Bearer ${await token(challenge, star, cred, req.signal)}`), req, cred, scope);
  }

  function finish(res: HttpResponse, req: AuthedRequest, cred: Credential | undefined, scope?: string): HttpResponse {
    if (res.status !== 401) return res;
    throw scopeError(res, req, cred, scope ?? req.scope);
  }

  function scopeError(res: HttpResponse, req: AuthedRequest, cred: Credential | undefined, scope: string | undefined): RegistryError {
    const challenge = findChallenge(parseChallenges(res.headers['www-authenticate']), 'bearer');
    if (challenge?.params.error === 'insufficient_scope' || (cred && scope)) {
      const needed = challenge?.params.scope ?? scope;
      if (!cred) {
        // Anonymous: the permission is missing because nobody logged in; say that first.
        return new RegistryError('INSUFFICIENT_SCOPE', `${host} requires a login for ${req.method} ${new URL(req.url).pathname} (anonymous access lacks ${needed ?? 'the permission'})`, {
          status: 401,
          scope: needed,
          fix: 'Add credentials for this registry (regx: -u USER --password-stdin, or docker login; the extension: Edit Credentials).',
        });
      }
      const who = cred.username ? `the user ${cred.username}` : 'these credentials';
      return new RegistryError('INSUFFICIENT_SCOPE', `${host} refused ${req.method} ${new URL(req.url).pathname}: ${who} lacks the permission ${needed ?? '(unknown scope)'}`, {
        status: 401,
        scope: needed,
        fix: `Use credentials that are granted ${needed ?? 'this action'} on the registry (or its token server).`,
      });
    }
    return unauthorized(res, req, cred);
  }

  function unauthorized(_res: HttpResponse, _req: AuthedRequest, cred: Credential | undefined): RegistryError {
    return cred
      ? new RegistryError('UNAUTHORIZED', `${host} rejected the credentials${cred.username ? ` for user ${cred.username}` : ''}`, {
          status: 401,
          fix: 'Check the user name and password (or token) for this registry.',
        })
      : new RegistryError('UNAUTHORIZED', `${host} requires a login`, {
          status: 401,
          fix: 'Add credentials for this registry (regx: -u USER --password-stdin, or docker login; the extension: Edit Credentials).',
        });
  }

  function attempt(req: AuthedRequest, authorization: string | undefined): Promise<HttpResponse> {
    const headers = { ...req.headers };
    if (authorization) headers.authorization = authorization;
    return transport.send({ ...req, headers });
  }

  return {
    send,
    kind: () => mode,
    reset: () => {
      tokens.clear();
      credential = undefined;
    },
  };
}

function tokenKey(challenge: Challenge, scope: string | undefined): string {
  return `${challenge.params.realm ?? ''}\n${challenge.params.service ?? ''}\n${scope ?? ''}`;
}

function basicHeader(cred: Credential | undefined): string | undefined {
  if (!cred?.username || cred.password === undefined) return undefined;
  return `Basic ${Buffer.from(`${cred.username}:${cred.password}`).toString('base64')}`;
}

/** Where the token server is, checked so credentials never travel somewhere they should not. */
function checkRealm(realmValue: string | undefined, registryUrl: URL, host: string, sendsSecret: boolean): URL {
  let realm: URL;
  try {
    realm = new URL(realmValue ?? '');
  } catch {
    throw new RegistryError('BAD_RESPONSE', `${host} named a token server that is not a URL (${JSON.stringify(realmValue ?? '')})`);
  }
  if (realm.protocol !== 'https:' && realm.protocol !== 'http:') {
    throw new RegistryError('UNSAFE_AUTH', `${host} named a token server with the scheme ${realm.protocol}`);
  }
  if (registryUrl.protocol === 'https:' && realm.protocol === 'http:') {
    throw new RegistryError('UNSAFE_AUTH', `${host} is served over https but sends logins to a plain-http token server (${realm.host})`, {
      fix: 'Refused so the login cannot be read on the network. Fix the registry’s token realm to use https.',
    });
  }
  if (sendsSecret && realm.protocol === 'http:' && realm.hostname !== registryUrl.hostname) {
    throw new RegistryError('UNSAFE_AUTH', `${host} asks for the password to be sent over plain http to another host (${realm.host})`, {
      fix: 'Refused so the password cannot be read on the network. Use an https token realm.',
    });
  }
  return realm;
}

async function fetchToken(
  transport: Transport,
  host: string,
  registryUrl: URL,
  challenge: Challenge,
  scope: string | undefined,
  cred: Credential | undefined,
  signal?: AbortSignal,
): Promise<CachedToken> {
  const sendsSecret = Boolean(cred?.identityToken || (cred?.username && cred.password !== undefined));
  const realm = checkRealm(challenge.params.realm, registryUrl, host, sendsSecret);
  const service = challenge.params.service;
  let res: HttpResponse;
  if (cred?.identityToken) {
    const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: cred.identityToken, client_id: 'registry-explorer' });
    if (service) form.set('service', service);
    if (scope) form.set('scope', scope);
    res = await transport.send({
      method: 'POST',
      url: realm.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
      signal,
      retry: true,
    });
  } else {
    const url = new URL(realm);
    if (service) url.searchParams.set('service', service);
    if (scope) url.searchParams.append('scope', scope);
    const headers: Record<string, string> = {};
    const basic = basicHeader(cred);
    if (basic) headers.authorization = basic;
    res = await transport.send({ method: 'GET', url: url.toString(), headers, signal });
  }
  if (res.status === 401 || res.status === 403) {
    throw new RegistryError('UNAUTHORIZED', `the token server ${realm.host} for ${host} rejected the credentials${cred?.username ? ` for user ${cred.username}` : ''}`, {
      status: res.status,
      fix: cred ? 'Check the user name and password (or token) for this registry.' : 'This registry requires a login: add credentials for it.',
    });
  }
  if (res.status === 400 && cred?.identityToken && /"invalid_grant"/.test(res.body.toString('utf8'))) {
    // OAuth2 says 400 invalid_grant for an expired or revoked refresh token: it is the credential, not the server.
    throw new RegistryError('UNAUTHORIZED', `the token server ${realm.host} for ${host} rejected the identity token (expired or revoked)`, {
      status: res.status,
      fix: 'Log in again (docker login) to get a new identity token, or use a user name and password.',
    });
  }
  if (res.status !== 200) {
    throw new RegistryError(res.status >= 500 ? 'SERVER' : 'BAD_RESPONSE', `the token server ${realm.host} for ${host} answered ${res.status}`, { status: res.status });
  }
  let body: { token?: unknown; access_token?: unknown; expires_in?: unknown; issued_at?: unknown };
  try {
    body = JSON.parse(res.body.toString('utf8'));
  } catch {
    throw new RegistryError('BAD_RESPONSE', `the token server ${realm.host} sent a reply that is not JSON`);
  }
  const tokenValue = typeof body.token === 'string' && body.token ? body.token : body.access_token;
  if (typeof tokenValue !== 'string' || !tokenValue) {
    throw new RegistryError('BAD_RESPONSE', `the token server ${realm.host} sent no token`);
  }
  const expiresIn = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 60;
  // Renew a little early so a token never expires between the check and the request.
  const margin = Math.min(10, expiresIn / 10);
  return { token: tokenValue, expiresAt: Date.now() + (expiresIn - margin) * 1000 };
}
