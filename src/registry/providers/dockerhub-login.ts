// Logging in to Docker Hub's API: the registry's login (a username with a personal access token, or an organisation
// name with an organisation access token) is exchanged at `POST /v2/auth/token {identifier, secret}` for a
// short-lived bearer token (a JWT; the published description says it lasts 10 minutes). The token is kept until its
// `exp` is near, or until the API answers 401 once (then it is exchanged again). No login → anonymous: Hub lets anyone
// read public repositories. The secret and every token are added to what no message or log line may quote.
import { RegistryError } from '../errors';
import type { ApiSession } from './api';
import { hubError, rememberQuota, type QuotaMemory } from './dockerhub-errors';

/** Renew this long before the token's `exp`, so no request carries a token that expires on the way. */
const EXPIRY_MARGIN_MS = 10_000;

export interface HubLogin {
  /** `Bearer …` for the API, or undefined when nobody is logged in. */
  authorization(signal?: AbortSignal): Promise<string | undefined>;
  /** Drops the token the API just refused, so the next `authorization` exchanges the login again. */
  forget(refused: string): void;
  /** The namespace of the login (the user, or the organisation of an organisation access token). */
  namespace(): Promise<string | undefined>;
}

interface Token {
  bearer: string;
  /** ms since the epoch; undefined when the token does not say (then it is kept until a 401). */
  expiresAt?: number;
}

/** The `exp` claim of a JWT, in ms; undefined for anything unreadable. */
export function jwtExpiry(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const exp = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown }).exp;
    return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

function fresh(token: Token | undefined): token is Token {
  return token !== undefined && (token.expiresAt === undefined || token.expiresAt - EXPIRY_MARGIN_MS > Date.now());
}

function tokenOf(body: Buffer): string {
  try {
    const token = (JSON.parse(body.toString('utf8')) as { access_token?: unknown }).access_token;
    if (typeof token === 'string' && token) return token;
  } catch {
    // not JSON: said below
  }
  throw new RegistryError('BAD_RESPONSE', 'Docker Hub’s token endpoint answered without an access_token');
}

export function createHubLogin(api: ApiSession, quota: QuotaMemory): HubLogin {
  let token: Token | undefined;
  let pending: Promise<Token> | undefined;

  async function login(): Promise<{ identifier: string; secret: string } | undefined> {
    const cred = await api.credential();
    if (!cred?.username || !cred.password) return undefined;
    api.keepSecret(cred.password);
    return { identifier: cred.username, secret: cred.password };
  }

  async function exchange(identifier: string, secret: string, signal?: AbortSignal): Promise<Token> {
    const res = await api.send('/v2/auth/token', { method: 'POST', body: JSON.stringify({ identifier, secret }), signal, retry: true, maxBody: 64 * 1024 });
    rememberQuota(quota, res);
    if (res.status === 401 || res.status === 403) {
      throw new RegistryError('UNAUTHORIZED', `Docker Hub did not accept the login of ${identifier}`, {
        status: res.status,
        need: 'credentials',
        fix: 'Check the username and the access token: log in with your Docker ID and a personal access token (Docker Hub → Account settings → Personal access tokens), or with an organisation name and an organisation access token.',
      });
    }
    if (res.status !== 200) throw hubError(res, { verb: 'connect' }, api.secrets(), quota);
    const bearer = tokenOf(res.body);
    api.keepSecret(bearer);
    return { bearer, expiresAt: jwtExpiry(bearer) };
  }

  return {
    authorization: async (signal) => {
      if (fresh(token)) return `Bearer ${token.bearer}`;
      const who = await login();
      if (!who) return undefined;
      pending ??= exchange(who.identifier, who.secret, signal).finally(() => (pending = undefined));
      token = await pending;
      return `Bearer ${token.bearer}`;
    },
    forget: (refused) => {
      if (token && `Bearer ${token.bearer}` === refused) token = undefined;
    },
    namespace: async () => (await login())?.identifier.toLowerCase(),
  };
}
