// The HTTP layer: one undici Agent (keep-alive, bounded pool, TLS settings), a timeout per request,
// cancellation by AbortSignal, retries with backoff for idempotent requests, and plain-words errors.
import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { Agent, type Dispatcher } from './undici';
import { cancelled, sleep } from './concurrency';
import { RegistryError } from './errors';
import type { Logger } from './types';

export interface TransportOptions {
  connections: number;
  timeoutMs: number;
  retries: number;
  /** First backoff delay; doubles each retry, with jitter. */
  retryBaseMs: number;
  /** No single wait longer than this, and no retrying past this much time in all. */
  retryBudgetMs: number;
  insecure: boolean;
  caFile?: string;
  logger?: Logger;
}

export interface HttpRequest {
  method: 'GET' | 'HEAD' | 'DELETE' | 'PUT' | 'POST' | 'PATCH';
  url: string;
  headers?: Record<string, string>;
  body?: Uint8Array | string;
  signal?: AbortSignal;
  /** Largest body accepted, in bytes. Default 8 MiB. */
  maxBody?: number;
  /** Retry on network errors, 5xx and 429. Default: GET and HEAD only. */
  retry?: boolean;
}

export interface HttpResponse {
  status: number;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface Transport {
  send(req: HttpRequest): Promise<HttpResponse>;
  close(): Promise<void>;
}

export function header(res: { headers: HttpResponse['headers'] }, name: string): string | undefined {
  const v = res.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

export function createTransport(options: TransportOptions): Transport {
  const connect: Record<string, unknown> = { rejectUnauthorized: !options.insecure };
  if (options.caFile) {
    let pem: string;
    try {
      pem = readFileSync(options.caFile, 'utf8');
    } catch (e) {
      throw new RegistryError('BAD_INPUT', `cannot read the CA file ${options.caFile}`, { cause: e, fix: 'Check the path given as the CA file.' });
    }
    connect.ca = [...rootCertificates, pem];
  }
  const agent = new Agent({
    connections: options.connections,
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 120_000,
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
    connectTimeout: Math.min(options.timeoutMs, 15_000),
    connect,
  });

  async function once(req: HttpRequest): Promise<HttpResponse> {
    const started = Date.now();
    const url = new URL(req.url);
    let res: Dispatcher.ResponseData;
    try {
      res = await agent.request({
        origin: url.origin,
        path: url.pathname + url.search,
        method: req.method,
        headers: req.headers,
        body: req.body,
        signal: req.signal,
        // undici closes the connection after every HEAD unless told otherwise; registries answer HEAD
        // properly, and resolving a thousand tags must reuse the pool.
        reset: false,
      });
    } catch (e) {
      options.logger?.trace(`${req.method} ${redactUrl(req.url)} → ${errorCodeOf(e) ?? 'error'} (${Date.now() - started} ms)`);
      throw networkError(e, url, req.signal);
    }
    let body: Buffer;
    try {
      body = await readBody(res, req.method === 'HEAD' ? 0 : (req.maxBody ?? 8 * 1024 * 1024), url);
    } catch (e) {
      throw e instanceof RegistryError ? e : networkError(e, url, req.signal);
    }
    options.logger?.trace(`${req.method} ${redactUrl(req.url)} → ${res.statusCode} (${Date.now() - started} ms)`);
    return { status: res.statusCode, url: req.url, headers: res.headers, body };
  }

  async function send(req: HttpRequest): Promise<HttpResponse> {
    const retry = req.retry ?? (req.method === 'GET' || req.method === 'HEAD');
    const deadline = Date.now() + options.retryBudgetMs;
    for (let attempt = 0; ; attempt++) {
      let res: HttpResponse | undefined;
      let failure: RegistryError | undefined;
      try {
        res = await once(req);
      } catch (e) {
        if (!(e instanceof RegistryError) || !isRetryableError(e)) throw e;
        failure = e;
      }
      if (res && !isRetryableStatus(res.status)) return res;
      const wait = backoff(attempt, res, options);
      const last = !retry || attempt >= options.retries || Date.now() + wait > deadline;
      if (last) {
        if (res) return res; // the caller turns the status into a plain-words error
        throw failure!;
      }
      options.logger?.debug(`retrying ${req.method} ${redactUrl(req.url)} in ${wait} ms (${res ? `status ${res.status}` : failure!.message})`);
      await sleep(wait, req.signal);
    }
  }

  return { send, close: () => agent.close() };
}

function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 502 || status === 503 || status === 504 || status === 500;
}

function isRetryableError(e: RegistryError): boolean {
  // A refused connection is a clear answer (nothing listens there), not a passing fault: say so at once.
  if (errorCodeOf(e.cause) === 'ECONNREFUSED') return false;
  return e.code === 'NETWORK' || e.code === 'TIMEOUT';
}

/** Exponential backoff with full jitter, or the server's Retry-After when it gives one. */
function backoff(attempt: number, res: HttpResponse | undefined, options: TransportOptions): number {
  const retryAfter = res ? parseRetryAfter(header(res, 'retry-after')) : undefined;
  if (retryAfter !== undefined) return Math.min(retryAfter, options.retryBudgetMs);
  const ceiling = Math.min(options.retryBaseMs * 2 ** attempt, 10_000);
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

/** Retry-After as seconds or an HTTP date, in ms from now. */
export function parseRetryAfter(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - Date.now());
}

async function readBody(res: Dispatcher.ResponseData, max: number, url: URL): Promise<Buffer> {
  if (max === 0) {
    await res.body.dump();
    return Buffer.alloc(0);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    size += chunk.length;
    if (size > max) {
      res.body.destroy();
      throw new RegistryError('BAD_RESPONSE', `${url.host} sent a reply larger than ${Math.round(max / 1024)} KiB for ${url.pathname}`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function errorCodeOf(e: unknown): string | undefined {
  const err = e as { code?: string; cause?: { code?: string } };
  return err?.code ?? err?.cause?.code;
}

const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL|EPROTO|DEPTH_ZERO/;

function networkError(e: unknown, url: URL, signal?: AbortSignal): RegistryError {
  if (signal?.aborted) return cancelled();
  const code = errorCodeOf(e) ?? '';
  const message = (e as Error)?.message ?? String(e);
  if (code === 'UND_ERR_ABORTED' || (e as Error)?.name === 'AbortError') return cancelled();
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') {
    return new RegistryError('TIMEOUT', `${url.host} did not answer in time`, { cause: e, fix: 'Check that the registry is up and reachable, then try again.' });
  }
  if (TLS_CODES.test(code) || /certificate|wrong version number|ssl/i.test(message)) {
    return new RegistryError('TLS', `the TLS connection to ${url.host} failed (${code || message})`, {
      cause: e,
      fix: 'If the registry uses a private CA, give its certificate as the CA file; if it speaks plain HTTP, write the URL with http://; mark it insecure only if you trust the network.',
    });
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new RegistryError('NETWORK', `the host ${url.hostname} could not be found`, { cause: e, fix: 'Check the registry address.' });
  }
  if (code === 'ECONNREFUSED') {
    return new RegistryError('NETWORK', `${url.host} refused the connection`, { cause: e, fix: 'Check the registry address and port, and that the registry is running.' });
  }
  return new RegistryError('NETWORK', `the connection to ${url.host} failed (${code || message})`, { cause: e, fix: 'Check the network and try again.' });
}

/** Drops query values that could carry secrets (token servers take none in the URL, but be safe). */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    for (const key of [...u.searchParams.keys()]) {
      if (/token|password|secret|auth|key|sig|credential/i.test(key)) u.searchParams.set(key, 'REDACTED');
    }
    return u.toString();
  } catch {
    return '<unparseable url>';
  }
}
