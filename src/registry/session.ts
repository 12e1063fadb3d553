// A session with one registry: the transport (keep-alive pool, retries), the authenticator around it, the base
// URL (https, or http where allowed), and the one rule for every URL a server hands back (redirects, upload
// locations, next-page links): credentials go only to the registry's own origin. A request to any other origin
// is sent without Authorization and without answering its challenges.
import { createAuthenticator, type AuthedRequest } from './auth';
import { isRegistryError, RegistryError } from './errors';
import { isLoopbackHost } from './hosts';
import { parseRegistry } from './reference';
import { createTransport, header, httpsFailureMeansPlainHttp, type HttpResponse, type Transport } from './transport';
import type { Credential, RegistryOptions } from './types';

export type SessionRequest = Omit<AuthedRequest, 'url'>;

export interface Session {
  /** `host[:port]` as normalised. */
  readonly host: string;
  readonly concurrency: number;
  readonly logger: RegistryOptions['logger'];
  /** `https://host` or `http://host`, decided on first use. */
  baseUrl(signal?: AbortSignal): Promise<string>;
  /** A path on the registry (`/v2/…`), or an absolute URL a server gave. Follows redirects for GET and HEAD. */
  send(target: string, req: SessionRequest): Promise<HttpResponse>;
  authKind(): 'none' | 'basic' | 'bearer';
  /** Values no message may quote: the credential's secrets and the tokens in use. */
  secrets(): string[];
  close(): Promise<void>;
  /**
   * For a provider whose API lives on another host (providers/api.ts): the pool (same TLS settings), the registry's
   * login (the same one serves the API), the API's URL when the user named it, and a way to add the API's tokens to
   * what no message may quote.
   */
  readonly hosted: {
    transport: Transport;
    credential(): Promise<Credential | undefined>;
    apiUrl?: string;
    keepSecret(value: string): void;
  };
}

const MAX_REDIRECTS = 5;

export function createSession(options: RegistryOptions): Session {
  const address = parseRegistry(options.url);
  const host = address.host;
  const concurrency = Math.max(1, options.concurrency ?? 8);
  const logger = options.logger;
  const transport = createTransport({
    connections: concurrency + 2,
    timeoutMs: options.timeoutMs ?? 30_000,
    retries: options.retries ?? 4,
    retryBaseMs: options.retryBaseMs ?? 250,
    retryBudgetMs: options.retryBudgetMs ?? 30_000,
    insecure: options.insecure ?? false,
    caFile: options.caFile,
    logger,
  });
  let knownBase: string | undefined = address.scheme ? `${address.scheme}://${host}` : undefined;
  let pendingBase: Promise<string> | undefined;
  const auth = createAuthenticator({ transport, host, credentials: options.credentials, baseUrl: () => knownBase ?? `https://${host}`, logger });

  /** https, unless the URL says http, or the host is loopback and answers https like a plain-http server (as docker does). */
  function baseUrl(signal?: AbortSignal): Promise<string> {
    if (knownBase) return Promise.resolve(knownBase);
    if (!isLoopbackHost(host)) {
      knownBase = `https://${host}`;
      return Promise.resolve(knownBase);
    }
    pendingBase ??= transport
      .send({ method: 'GET', url: `https://${host}/v2/`, signal, retry: false })
      .then(
        () => `https://${host}`,
        (e) => {
          if (isRegistryError(e) && httpsFailureMeansPlainHttp(e)) {
            logger?.debug(`https to ${host} failed (${e.message}); using http for this loopback registry`);
            return `http://${host}`;
          }
          throw e;
        },
      )
      .then((b) => (knownBase = b))
      .finally(() => (pendingBase = undefined));
    return pendingBase;
  }

  async function sendOnce(url: string, registryOrigin: string, req: SessionRequest): Promise<HttpResponse> {
    if (new URL(url).origin === registryOrigin) return auth.send({ ...req, url });
    const other = new URL(url).host;
    logger?.debug(`${req.method} to ${other} (not the registry's own origin): sent without credentials`);
    const res = await transport.send({ ...req, url, headers: withoutAuthorization(req.headers) });
    if (res.status === 401) {
      // Not a matter of the user's login: it was deliberately not sent there.
      throw new RegistryError('UNAUTHORIZED', `${host} sent the request to another host (${other}), which asks for a login; logins go only to ${host}`, {
        status: 401,
        fix: 'The registry (or its storage) sends clients to a host that wants a login of its own: its operator must fix that.',
      });
    }
    return res;
  }

  async function send(target: string, req: SessionRequest): Promise<HttpResponse> {
    const base = await baseUrl(req.signal);
    const origin = new URL(base).origin;
    let url = /^https?:\/\//i.test(target) ? target : base + target;
    let res = await sendOnce(url, origin, req);
    for (let hops = 0; isRedirect(res.status) && (req.method === 'GET' || req.method === 'HEAD'); hops++) {
      const location = header(res, 'location');
      if (!location || hops >= MAX_REDIRECTS) {
        throw new RegistryError('BAD_RESPONSE', `${host} redirected ${req.method} ${new URL(url).pathname} too often or to nowhere`);
      }
      url = new URL(location, res.url).toString();
      res = await sendOnce(url, origin, req);
    }
    return res;
  }

  const apiSecrets = new Set<string>();
  return {
    host,
    concurrency,
    logger,
    baseUrl,
    send,
    authKind: () => auth.kind(),
    secrets: () => [...auth.secrets(), ...apiSecrets],
    close: () => transport.close(),
    hosted: {
      transport,
      credential: () => (options.credentials ? options.credentials(host) : Promise.resolve(undefined)),
      apiUrl: options.apiUrl,
      keepSecret: (value) => void (value && apiSecrets.add(value)),
    },
  };
}

function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

function withoutAuthorization(headers: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) if (k.toLowerCase() !== 'authorization') out[k] = v;
  return out;
}
