// Getting a bearer token from a registry's token server (the realm of its challenge): the realm checked first, so
// that a login never travels where it must not (no plain-http realm for an https registry; a login over plain http
// only to the registry's own host), then the GET (Basic) or the OAuth2 refresh_token POST (identity token).
import type { Challenge } from './challenge';
import { RegistryError } from './errors';
import type { HttpResponse, Transport } from './transport';
import type { Credential } from './types';

// What a login is, shared with auth.ts: the fixes that say what is needed, and the Basic header.
export const LOGIN_FIX = 'Credentials for this registry are needed: a user name and password, or a token.';
export const CHECK_CREDENTIALS_FIX = 'Check the user name and password (or token) for this registry.';

/** A login was given: a password, an identity token or a ready token (a user name alone logs nobody in). */
export function loggedIn(cred: Credential | undefined): cred is Credential {
  return Boolean(cred && (cred.password !== undefined || cred.identityToken || cred.registryToken));
}

/** " for user alice", or nothing: for messages. */
export function who(cred: Credential | undefined): string {
  return cred?.username ? ` for user ${cred.username}` : '';
}

/** `Basic base64(user:password)` when the credential has both. */
export function basicHeader(cred: Credential | undefined): string | undefined {
  if (!cred?.username || cred.password === undefined) return undefined;
  return `Basic ${Buffer.from(`${cred.username}:${cred.password}`).toString('base64')}`;
}

export interface FetchedToken {
  token: string;
  expiresAt: number;
  /** Every token value in the reply (`token` and `access_token` may differ): none may be quoted. */
  secrets: string[];
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
      fix: 'Refused so the login cannot be read on the network. The registry’s token realm must use https.',
    });
  }
  if (sendsSecret && realm.protocol === 'http:' && realm.hostname !== registryUrl.hostname) {
    throw new RegistryError('UNSAFE_AUTH', `${host} asks for the login to be sent over plain http to another host (${realm.host})`, {
      fix: 'Refused so the login cannot be read on the network. The registry’s token realm must use https.',
    });
  }
  return realm;
}

export async function fetchToken(
  transport: Transport,
  host: string,
  registryUrl: URL,
  challenge: Challenge,
  scope: string | undefined,
  cred: Credential | undefined,
  signal?: AbortSignal,
): Promise<FetchedToken> {
  const sendsSecret = Boolean(cred?.identityToken || basicHeader(cred));
  const realm = checkRealm(challenge.params.realm, registryUrl, host, sendsSecret);
  const res = await askTokenServer(transport, realm, challenge.params.service, scope, cred, signal);
  if (res.status !== 200) throw tokenServerRefusal(res, realm, host, cred);
  let body: { token?: unknown; access_token?: unknown; expires_in?: unknown };
  try {
    body = JSON.parse(res.body.toString('utf8'));
  } catch {
    throw new RegistryError('BAD_RESPONSE', `the token server ${realm.host} sent a reply that is not JSON`);
  }
  const values = [body.token, body.access_token].filter((v): v is string => typeof v === 'string' && v !== '');
  if (values.length === 0) throw new RegistryError('BAD_RESPONSE', `the token server ${realm.host} sent no token`);
  const expiresIn = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 60;
  // Renew a little early so a token never expires between the check and the request.
  const margin = Math.min(10, expiresIn / 10);
  return { token: values[0], secrets: values, expiresAt: Date.now() + (expiresIn - margin) * 1000 };
}

/** An identity token is exchanged with the OAuth2 refresh_token POST; otherwise GET, with Basic when there is a password. */
function askTokenServer(transport: Transport, realm: URL, service: string | undefined, scope: string | undefined, cred: Credential | undefined, signal?: AbortSignal): Promise<HttpResponse> {
  if (cred?.identityToken) {
    const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: cred.identityToken, client_id: 'registry-explorer' });
    if (service) form.set('service', service);
    if (scope) form.set('scope', scope);
    const headers = { 'content-type': 'application/x-www-form-urlencoded' };
    return transport.send({ method: 'POST', url: realm.toString(), headers, body: form.toString(), signal, retry: true });
  }
  const url = new URL(realm);
  if (service) url.searchParams.set('service', service);
  if (scope) url.searchParams.append('scope', scope);
  const basic = basicHeader(cred);
  return transport.send({ method: 'GET', url: url.toString(), headers: basic ? { authorization: basic } : {}, signal });
}

/** The OAuth2 `error` code of a token server's reply, if it sent one (RFC 6749 §5.2). */
function oauthError(res: HttpResponse): string | undefined {
  try {
    const error = JSON.parse(res.body.toString('utf8'))?.error;
    return typeof error === 'string' ? error : undefined;
  } catch {
    return undefined;
  }
}

function tokenServerRefusal(res: HttpResponse, realm: URL, host: string, cred: Credential | undefined): RegistryError {
  const server = `the token server ${realm.host} for ${host}`;
  const status = res.status;
  if (status === 400 && cred?.identityToken && oauthError(res) === 'invalid_grant') {
    // OAuth2 says 400 invalid_grant for an expired or revoked refresh token: it is the credential, not the server.
    return new RegistryError('UNAUTHORIZED', `${server} rejected the identity token (expired or revoked)`, {
      status,
      need: 'credentials',
      fix: 'A new identity token is needed (log in again), or a user name and password.',
    });
  }
  if (status === 401 || status === 403) {
    return loggedIn(cred)
      ? new RegistryError('UNAUTHORIZED', `${server} rejected the credentials${who(cred)}`, { status, need: 'credentials', fix: CHECK_CREDENTIALS_FIX })
      : new RegistryError('UNAUTHORIZED', `${server} requires a login`, { status, need: 'login', fix: LOGIN_FIX });
  }
  return new RegistryError(status >= 500 ? 'SERVER' : 'BAD_RESPONSE', `${server} answered ${status}`, { status });
}
