// The auth layer: wraps the transport, answers 401 challenges (Basic or Bearer token), caches tokens per
// (realm, service, scope) until they expire, and keeps credentials away from hosts that must not see them.
//
// A refusal is classified by its status and the challenge's parameters (RFC 6750 `error`), never by a server's
// words: `insufficient_scope` is a missing right, `invalid_token` a token that was rejected (expired or invalid).
// Every error says what the user must supply in `need` (login, credentials, permission) and never how: the fixes
// are the same words for every face.
import { findChallenge, parseChallenges, type Challenge } from './challenge';
import { RegistryError, type Need } from './errors';
import { basicHeader, CHECK_CREDENTIALS_FIX, fetchToken, loggedIn, LOGIN_FIX, who } from './token';
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
  /**
   * `basic`: send the user name and password as Basic right away and answer no challenge (a REST API beside the
   * registry, such as Harbor's, takes Basic); `none`: send no credentials at all (detection probes).
   */
  login?: 'basic' | 'none';
}

export interface Authenticator {
  /** Sends with the right Authorization, answering one challenge if the registry asks. */
  send(req: AuthedRequest): Promise<HttpResponse>;
  /** What the registry asked for on its last challenge. */
  kind(): 'none' | 'basic' | 'bearer';
  /** Values no message may quote: the credential's secrets (and its Basic encoding) and every token fetched. */
  secrets(): string[];
}

interface CachedToken {
  token: string;
  expiresAt: number;
}

/** Where the bearer token a request carried came from: the user's own (`pasted`) or the token server (`fetched`). */
type TokenOrigin = 'pasted' | 'fetched';

export function createAuthenticator(options: AuthOptions): Authenticator {
  const { transport, host, logger } = options;
  let mode: 'none' | 'basic' | 'bearer' = 'none';
  let bearer: Challenge | undefined;
  const tokens = new Map<string, CachedToken>();
  const pendingTokens = new Map<string, Promise<string>>();
  let credential: Promise<Credential | undefined> | undefined;
  const knownSecrets = new Set<string>();
  const remember = (value: string | undefined): void => {
    if (value) knownSecrets.add(value);
  };

  const getCredential = (): Promise<Credential | undefined> => {
    credential ??= (options.credentials ? options.credentials(host) : Promise.resolve(undefined)).then((c) => {
      remember(c?.password);
      remember(c?.identityToken);
      remember(c?.registryToken);
      // The Basic header's value alone (a server may echo it without the scheme) is the password too.
      remember(basicHeader(c)?.slice('Basic '.length));
      return c;
    });
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
          for (const value of t.secrets) remember(value);
          tokens.set(key, t);
          return t.token;
        })
        .finally(() => pendingTokens.delete(key));
      pendingTokens.set(key, pending);
    }
    return pending;
  }

  async function send(req: AuthedRequest): Promise<HttpResponse> {
    if (req.login === 'none') return attempt(req, undefined);
    if (req.login === 'basic') return sendBasic(req);
    const sent = await headerFor(req.scope, req.signal);
    const first = await attempt(req, sent);
    if (first.status !== 401) return first;

    const challenges = parseChallenges(first.headers['www-authenticate']);
    const cred = await getCredential();
    const bearerChallenge = findChallenge(challenges, 'bearer');
    if (bearerChallenge) {
      mode = 'bearer';
      bearer = bearerChallenge;
      if (cred?.registryToken) return answerWithPastedToken(first, req, sent, cred.registryToken, cred);
      return answerWithFetchedToken(first, req, sent, bearerChallenge, cred);
    }
    if (findChallenge(challenges, 'basic')) {
      mode = 'basic';
      return answerWithPassword(req, sent, cred);
    }
    throw new RegistryError('UNAUTHORIZED', `${host} refused the request and did not say how to log in`, {
      status: 401,
      need: loggedIn(cred) ? 'credentials' : 'login',
      fix: loggedIn(cred) ? CHECK_CREDENTIALS_FIX : LOGIN_FIX,
    });
  }

  /** Basic straight away, for an API that takes it; a 401 then means the login is missing or wrong. */
  async function sendBasic(req: AuthedRequest): Promise<HttpResponse> {
    const cred = await getCredential();
    const res = await attempt(req, basicHeader(cred));
    if (res.status !== 401) return res;
    throw loggedIn(cred) ? credentialsRejected(host, cred) : loginRequired(host);
  }

  /** The user's own bearer token: there is nothing to fetch, so once it has been sent and refused, that is final. */
  async function answerWithPastedToken(first: HttpResponse, req: AuthedRequest, sent: string | undefined, pasted: string, cred: Credential): Promise<HttpResponse> {
    if (sent === `Bearer ${pasted}`) throw refusal(first, req, cred, req.scope, 'pasted');
    return throwIfStillUnauthorized(await attempt(req, `Bearer ${pasted}`), req, cred, req.scope, 'pasted');
  }

  async function answerWithFetchedToken(first: HttpResponse, req: AuthedRequest, sent: string | undefined, challenge: Challenge, cred: Credential | undefined): Promise<HttpResponse> {
    // What this request carried, not the mode now: a request sent before a concurrent one logged in went
    // without a token, and its 401 only means it must be sent again with one.
    const sentToken = sent?.startsWith('Bearer ') ? sent.slice('Bearer '.length) : undefined;
    const scope = req.scope ?? challenge.params.scope;
    const key = tokenKey(challenge, scope);
    const withToken = async (value: string): Promise<HttpResponse> => retryWithWildcardScope(await attempt(req, `Bearer ${value}`), req, cred, scope);
    if (sentToken !== undefined && challenge.params.error === 'insufficient_scope' && scope?.endsWith(':delete')) {
      return retryWithWildcardScope(first, req, cred, scope);
    }
    if (sentToken !== undefined && tokens.get(key)?.token === sentToken) {
      // The token we held for this very scope was refused. Lacking the scope is final; otherwise (it expired
      // early, the registry's signing keys rotated) fetch a new one, once.
      if (challenge.params.error === 'insufficient_scope') throw refusal(first, req, cred, scope, 'fetched');
      tokens.delete(key);
      return withToken(await token(challenge, scope, cred, req.signal));
    }
    // Sent before a concurrent request fetched the token: use that token rather than asking again.
    const cached = tokens.get(key);
    if (cached && cached.expiresAt > Date.now()) return withToken(cached.token);
    tokens.delete(key);
    return withToken(await token(challenge, scope, cred, req.signal));
  }

  /** Basic has no scopes: a 401 to the password is a wrong password, whatever the request was. */
  async function answerWithPassword(req: AuthedRequest, sent: string | undefined, cred: Credential | undefined): Promise<HttpResponse> {
    const basic = basicHeader(cred);
    if (!basic) throw loggedIn(cred) ? passwordNeeded(host) : loginRequired(host);
    if (sent?.startsWith('Basic ')) throw credentialsRejected(host, cred);
    const second = await attempt(req, basic);
    if (second.status === 401) throw credentialsRejected(host, cred);
    return second;
  }

  /** Token servers that refuse the `delete` action often grant `*` (skopeo asks for it the same way). */
  async function retryWithWildcardScope(res: HttpResponse, req: AuthedRequest, cred: Credential | undefined, scope: string | undefined): Promise<HttpResponse> {
    const challenge = res.status === 401 ? findChallenge(parseChallenges(res.headers['www-authenticate']), 'bearer') : undefined;
    if (!challenge || challenge.params.error !== 'insufficient_scope' || !scope?.endsWith(':delete')) {
      return throwIfStillUnauthorized(res, req, cred, scope, 'fetched');
    }
    const star = scope.replace(/:delete$/, ':*');
    logger?.debug(`token for ${scope} was not enough; asking for ${star}`);
    return throwIfStillUnauthorized(await attempt(req, `Bearer ${await token(challenge, star, cred, req.signal)}`), req, cred, scope, 'fetched');
  }

  /** The answer to a request that carried the right token: a 401 now is the registry's last word. */
  function throwIfStillUnauthorized(res: HttpResponse, req: AuthedRequest, cred: Credential | undefined, scope: string | undefined, origin: TokenOrigin): HttpResponse {
    if (res.status !== 401) return res;
    throw refusal(res, req, cred, scope, origin);
  }

  /** Why a bearer token was refused, from the challenge's `error` parameter and what was sent. */
  function refusal(res: HttpResponse, req: AuthedRequest, cred: Credential | undefined, scope: string | undefined, origin: TokenOrigin): RegistryError {
    const challenge = findChallenge(parseChallenges(res.headers['www-authenticate']), 'bearer');
    const needed = challenge?.params.scope ?? scope;
    const error = challenge?.params.error;
    if (error === 'insufficient_scope') return missingScope(host, req, cred, needed);
    if (error === 'invalid_token' || origin === 'pasted') return tokenRejected(host, cred, origin);
    // The registry did not say why. A token fetched with a login for this scope was refused: the login lacks it.
    if (loggedIn(cred) && needed) return missingScope(host, req, cred, needed);
    return loggedIn(cred) ? credentialsRejected(host, cred) : loginRequired(host);
  }

  function attempt(req: AuthedRequest, authorization: string | undefined): Promise<HttpResponse> {
    const headers = { ...req.headers };
    if (authorization) headers.authorization = authorization;
    return transport.send({ ...req, headers });
  }

  return {
    send,
    kind: () => mode,
    secrets: () => [...knownSecrets],
  };
}

// ---------------------------------------------------------------- errors (what is needed, never how to give it)

/** `repository:app:pull,push` → "pull and push rights on app"; anything else is quoted as it is. */
function scopeWords(scope: string | undefined): string {
  const m = scope ? /^repository:([^:\s]+):([^\s]+)$/.exec(scope) : null;
  if (!m) return scope ? `the permission ${scope}` : 'that permission';
  const actions = m[2].split(',');
  return actions.includes('*') ? `all rights on ${m[1]}` : `${actions.join(' and ')} rights on ${m[1]}`;
}

function loginRequired(host: string): RegistryError {
  return new RegistryError('UNAUTHORIZED', `${host} requires a login`, { status: 401, need: 'login', fix: LOGIN_FIX });
}

function credentialsRejected(host: string, cred: Credential | undefined): RegistryError {
  return new RegistryError('UNAUTHORIZED', `${host} rejected the credentials${who(cred)}`, { status: 401, need: 'credentials', fix: CHECK_CREDENTIALS_FIX });
}

function passwordNeeded(host: string): RegistryError {
  return new RegistryError('UNAUTHORIZED', `${host} asks for a user name and password, and the login given has none`, {
    status: 401,
    need: 'credentials',
    fix: 'A user name and password for this registry are needed.',
  });
}

function tokenRejected(host: string, cred: Credential | undefined, origin: TokenOrigin): RegistryError {
  if (origin === 'pasted') {
    return new RegistryError('UNAUTHORIZED', `${host} rejected the registry token (expired or invalid)`, {
      status: 401,
      need: 'credentials',
      fix: 'A new, valid token for this registry is needed.',
    });
  }
  const need: Need = loggedIn(cred) ? 'credentials' : 'login';
  return new RegistryError('UNAUTHORIZED', `${host} rejected the token from its token server (expired or invalid)`, {
    status: 401,
    need,
    fix: `Try again; if it keeps happening, ${need === 'login' ? 'a login for this registry is needed' : 'check the login for this registry'}, or the registry and its token server disagree (their clocks or signing keys).`,
  });
}

function missingScope(host: string, req: AuthedRequest, cred: Credential | undefined, needed: string | undefined): RegistryError {
  const what = `${req.method} ${new URL(req.url).pathname}`;
  if (!loggedIn(cred)) {
    // Anonymous: the permission is missing because nobody logged in; say that first.
    return new RegistryError('INSUFFICIENT_SCOPE', `${host} requires a login for ${what} (anonymous access lacks ${needed ?? 'the permission'})`, {
      status: 401,
      scope: needed,
      need: 'login',
      fix: `A login with ${scopeWords(needed)} is needed.`,
    });
  }
  const user = cred.username ? `the user ${cred.username}` : 'this login';
  const words = scopeWords(needed);
  return new RegistryError('INSUFFICIENT_SCOPE', `${host} refused ${what}: ${user} lacks the permission ${needed ?? '(unknown scope)'}`, {
    status: 401,
    scope: needed,
    need: 'permission',
    fix: `A login with ${words} is needed${needed && !words.includes(needed) ? ` (${needed})` : ''}.`,
  });
}

// ---------------------------------------------------------------- tokens

function tokenKey(challenge: Challenge, scope: string | undefined): string {
  return `${challenge.params.realm ?? ''}\n${challenge.params.service ?? ''}\n${scope ?? ''}`;
}

