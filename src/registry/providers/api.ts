// A hosted service's own API on another host than its registry (Docker Hub's hub.docker.com, GitHub's REST API, a
// GitLab instance): requests go only to that API's origin, through the registry session's pool (the same TLS
// settings, retries, deadlines, and 429s honoured by Retry-After), with the Authorization the provider gives — which
// never goes anywhere else, and is added to what no message may quote. A URL the API hands back on another origin is
// refused, not followed. Plain requests; each provider (dockerhub.ts, ghcr.ts, gitlab.ts) knows its endpoints.
import { RegistryError } from '../errors';
import type { Session } from '../session';
import type { HttpRequest, HttpResponse } from '../transport';
import type { Credential } from '../types';

export interface ApiRequest {
  method?: HttpRequest['method'];
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
  /** The value of the Authorization header (`Bearer …`, `Basic …`); the provider decides it. */
  authorization?: string;
  maxBody?: number;
  retry?: boolean;
}

export interface ApiSession {
  /** `https://hub.docker.com`: every request goes here, and only here. */
  readonly origin: string;
  /** The registry's host, for messages. */
  readonly host: string;
  /** A path on the API (`/v2/namespaces/…`), or an absolute URL on the API's origin (a next-page link). */
  send(target: string, req?: ApiRequest): Promise<HttpResponse>;
  /** The registry's login, which the service's API takes too. */
  credential(): Promise<Credential | undefined>;
  /** Adds a token the API gave to what no message, log line or error may quote. */
  keepSecret(value: string): void;
  secrets(): string[];
}

/** The API's origin: the user's `apiUrl` when given, else the provider's default. Throws BAD_INPUT for a bad URL. */
export function apiOrigin(session: Session, fallback: string): string {
  const given = session.hosted.apiUrl ?? fallback;
  let url: URL;
  try {
    url = new URL(given);
  } catch {
    throw new RegistryError('BAD_INPUT', `"${given}" is not a URL for the registry’s API`, { fix: 'Give the API’s address with its scheme, e.g. https://gitlab.example.com.' });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new RegistryError('BAD_INPUT', `"${given}" is not an http(s) URL`, { fix: 'Give the API’s address with https://.' });
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

export function createApiSession(session: Session, base: string): ApiSession {
  const origin = new URL(base).origin;
  const send = async (target: string, req: ApiRequest = {}): Promise<HttpResponse> => {
    const url = /^https?:\/\//i.test(target) ? target : `${base}${target}`;
    if (new URL(url).origin !== origin) {
      throw new RegistryError('UNSAFE_AUTH', `the API of ${session.host} sent a link to another host (${new URL(url).host}); it was not followed`, {
        fix: 'The API’s answers point elsewhere (a proxy rewriting hosts?). Set the API URL to the address the API answers on.',
      });
    }
    const headers: Record<string, string> = { accept: 'application/json', ...(req.headers ?? {}) };
    if (req.authorization) headers.authorization = req.authorization;
    if (req.body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
    return session.hosted.transport.send({ method: req.method ?? 'GET', url, headers, body: req.body, signal: req.signal, maxBody: req.maxBody, retry: req.retry });
  };
  return {
    origin,
    host: session.host,
    send,
    credential: () => session.hosted.credential(),
    keepSecret: (value) => session.hosted.keepSecret(value),
    secrets: () => session.secrets(),
  };
}
