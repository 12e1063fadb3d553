// The HTTP layer: one undici Agent (keep-alive, bounded pool, TLS settings), a total deadline per request,
// cancellation by AbortSignal, retries with backoff for idempotent requests (retry.ts), and plain-words errors.
import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { undici, type Dispatcher } from './undici';
import { cancelled } from './concurrency';
import { RegistryError } from './errors';
import { isRetryableStatus, parseRetryAfter, withRetries, type Outcome, type RetryPolicy } from './retry';
import type { Logger } from './types';

export { parseRetryAfter } from './retry';

export interface TransportOptions extends RetryPolicy {
  connections: number;
  /** Longest one attempt may take in all: connecting, the headers and the whole body. */
  timeoutMs: number;
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
  /** Retry on network errors, timeouts, 5xx and 429. Default: GET and HEAD only. */
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

const DEFAULT_MAX_BODY = 8 * 1024 * 1024;
const MAX_CONNECT_MS = 15_000;

/** Errors raised while connecting (TCP connect and TLS handshake), as the connector reported them: see httpsFailureMeansPlainHttp. */
const connectErrors = new WeakSet<object>();

function tlsOptions(options: TransportOptions): Record<string, unknown> {
  const tls: Record<string, unknown> = { rejectUnauthorized: !options.insecure };
  if (!options.caFile) return tls;
  let pem: string;
  try {
    pem = readFileSync(options.caFile, 'utf8');
  } catch (e) {
    throw new RegistryError('BAD_INPUT', `cannot read the CA file ${options.caFile}`, { cause: e, fix: 'Check the path given as the CA file.' });
  }
  return { ...tls, ca: [...rootCertificates, pem] };
}

function createAgent(options: TransportOptions): Dispatcher {
  const { Agent, buildConnector } = undici();
  const connector = buildConnector({ ...tlsOptions(options), timeout: Math.min(options.timeoutMs, MAX_CONNECT_MS) });
  return new Agent({
    connections: options.connections,
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 120_000,
    // Idle timeouts as long as the whole deadline: the deadline (below) is what ends a slow request.
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
    connect: (opts, callback) =>
      connector(opts, (...args) => {
        if (args[0]) connectErrors.add(args[0]);
        callback(...args);
      }),
  });
}

/** One attempt's deadline: an AbortSignal that fires when the caller's does, or when `ms` have passed. Always clear() it. */
interface Deadline {
  signal: AbortSignal;
  /** True once the time ran out (and not the caller's signal). */
  expired(): boolean;
  /** Stops the timer and unhooks the caller's signal. */
  clear(): void;
}

function startDeadline(ms: number, outer: AbortSignal | undefined): Deadline {
  const controller = new AbortController();
  let expired = false;
  const timer = setTimeout(() => {
    expired = true;
    controller.abort(new Error('deadline'));
  }, ms);
  const onAbort = (): void => controller.abort(outer?.reason);
  if (outer?.aborted) onAbort();
  else outer?.addEventListener('abort', onAbort, { once: true });
  return {
    signal: controller.signal,
    expired: () => expired && !outer?.aborted,
    clear: () => {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onAbort);
    },
  };
}

export function createTransport(options: TransportOptions): Transport {
  const agent = createAgent(options);
  const { logger } = options;

  /** One attempt, bounded by the deadline from the first byte sent to the last byte read. */
  async function once(req: HttpRequest): Promise<HttpResponse> {
    const started = Date.now();
    const url = new URL(req.url);
    const deadline = startDeadline(options.timeoutMs, req.signal);
    let res: Dispatcher.ResponseData | undefined;
    try {
      res = await agent.request({
        origin: url.origin,
        path: url.pathname + url.search,
        method: req.method,
        headers: req.headers,
        body: req.body,
        signal: deadline.signal,
        // undici closes the connection after every HEAD unless told otherwise; registries answer HEAD
        // properly, and resolving a thousand tags must reuse the pool.
        reset: false,
      });
      const body = await readBody(res, req.method === 'HEAD' ? 0 : (req.maxBody ?? DEFAULT_MAX_BODY), url);
      logger?.trace(`${req.method} ${redactUrl(req.url)} → ${res.statusCode} (${Date.now() - started} ms)`);
      return { status: res.statusCode, url: req.url, headers: res.headers, body };
    } catch (e) {
      // Whatever went wrong, the body is not read any further: free its connection.
      res?.body.destroy();
      logger?.trace(`${req.method} ${redactUrl(req.url)} → ${errorCodeOf(e) ?? 'error'} (${Date.now() - started} ms)`);
      if (e instanceof RegistryError) throw e;
      throw failure(e, { req, url, expired: deadline.expired(), timeoutMs: options.timeoutMs });
    } finally {
      deadline.clear();
    }
  }

  async function attempt(req: HttpRequest): Promise<Outcome<HttpResponse>> {
    try {
      return { answer: await once(req) };
    } catch (e) {
      if (e instanceof RegistryError && isRetryableFailure(e)) return { failure: e };
      throw e;
    }
  }

  function send(req: HttpRequest): Promise<HttpResponse> {
    return withRetries<HttpResponse>(
      {
        attempt: () => attempt(req),
        retryable: (o) => (o.answer ? isRetryableStatus(o.answer.status) : true),
        retryAfterMs: (res) => parseRetryAfter(header(res, 'retry-after')),
        describe: (o, wait) => `retrying ${req.method} ${redactUrl(req.url)} in ${wait} ms (${o.answer ? `status ${o.answer.status}` : o.failure?.message})`,
        retry: req.retry ?? (req.method === 'GET' || req.method === 'HEAD'),
        signal: req.signal,
        onRetry: (m) => logger?.debug(m),
      },
      options,
    );
  }

  return { send, close: () => agent.close() };
}

/** Failures that may pass: a dropped connection, a timeout. Not a refusal, a certificate or a cancel. */
function isRetryableFailure(e: RegistryError): boolean {
  // A refused connection is a clear answer (nothing listens there), not a passing fault: say so at once.
  if (errorCodeOf(e.cause) === 'ECONNREFUSED') return false;
  return e.code === 'NETWORK' || e.code === 'TIMEOUT';
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
    if (size > max) throw new RegistryError('BAD_RESPONSE', `${url.host} sent a reply larger than ${Math.round(max / 1024)} KiB for ${url.pathname}`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function errorCodeOf(e: unknown): string | undefined {
  const err = e as { code?: string; cause?: { code?: string } };
  return err?.code ?? err?.cause?.code;
}

/** "30 s", "1.5 s", "300 ms". */
function duration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

// ---------------------------------------------------------------- failures in plain words

const TRUST_FIX = 'If the registry uses its own CA or a self-signed certificate, give that CA certificate as the CA file; mark the registry insecure only on a network you trust.';
const DATES_FIX = 'The registry needs a current certificate (check this computer’s clock too); mark the registry insecure only on a network you trust.';
const NAME_FIX = 'Use the registry address its certificate was issued for; mark the registry insecure only on a network you trust.';

/**
 * The certificate could not be trusted: the server speaks TLS, so falling back to http would be wrong (and would
 * turn a clear "not trusted" into a confusing socket error). Why, and how to trust it, per OpenSSL / Node code.
 */
const UNTRUSTED = new Map<string, { why: string; fix: string }>([
  ['DEPTH_ZERO_SELF_SIGNED_CERT', { why: 'it is self-signed', fix: TRUST_FIX }],
  ['SELF_SIGNED_CERT_IN_CHAIN', { why: 'it is signed by a CA that is not trusted here', fix: TRUST_FIX }],
  ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', { why: 'it is signed by a CA that is not trusted here', fix: TRUST_FIX }],
  ['UNABLE_TO_GET_ISSUER_CERT', { why: 'it is signed by a CA that is not trusted here', fix: TRUST_FIX }],
  ['UNABLE_TO_GET_ISSUER_CERT_LOCALLY', { why: 'it is signed by a CA that is not trusted here', fix: TRUST_FIX }],
  ['CERT_UNTRUSTED', { why: 'it is not trusted for this use', fix: TRUST_FIX }],
  ['CERT_REJECTED', { why: 'it is not trusted for this use', fix: TRUST_FIX }],
  ['INVALID_CA', { why: 'a certificate in its chain is not a valid CA', fix: TRUST_FIX }],
  ['INVALID_PURPOSE', { why: 'it is not meant for a server', fix: TRUST_FIX }],
  ['CERT_SIGNATURE_FAILURE', { why: 'its signature is invalid', fix: TRUST_FIX }],
  ['CERT_REVOKED', { why: 'it was revoked', fix: TRUST_FIX }],
  ['CERT_HAS_EXPIRED', { why: 'it has expired', fix: DATES_FIX }],
  ['CERT_NOT_YET_VALID', { why: 'it is not valid yet', fix: DATES_FIX }],
  ['ERR_TLS_CERT_ALTNAME_INVALID', { why: 'it was issued for another name', fix: NAME_FIX }],
  ['HOSTNAME_MISMATCH', { why: 'it was issued for another name', fix: NAME_FIX }],
]);

/**
 * OpenSSL's reasons for TLS records it cannot read, the sign of a server that answered the ClientHello in plain
 * HTTP ("HTTP/1.1 400 …"): wrong version number (OpenSSL 3.0, BoringSSL), packet length too long and record layer
 * failure (OpenSSL 3.2+), unknown protocol (OpenSSL 1.x).
 */
const NOT_TLS_CODES = new Set(['ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_PACKET_LENGTH_TOO_LONG', 'ERR_SSL_RECORD_LAYER_FAILURE', 'ERR_SSL_UNKNOWN_PROTOCOL']);
/** The same reasons where an older Node reports them as EPROTO: OpenSSL's reason identifiers, not a server's words. */
const NOT_TLS_REASONS = /wrong.version.number|packet.length.too.long|record.layer.failure|unknown.protocol/i;
/** The connection closed or was reset: during the handshake, the sign of a plain-http server hanging up on it. */
const CLOSED_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);

/** The peer does not speak TLS: it answered the ClientHello with something that is not a TLS record. */
function answeredInPlainText(e: unknown): boolean {
  const code = errorCodeOf(e) ?? '';
  return NOT_TLS_CODES.has(code) || (code === 'EPROTO' && NOT_TLS_REASONS.test(String((e as Error)?.message)));
}

/** The connection closed or was reset while connecting (for https: before the TLS handshake finished, not later). */
function closedWhileConnecting(e: unknown): boolean {
  return e !== null && typeof e === 'object' && connectErrors.has(e) && CLOSED_CODES.has(errorCodeOf(e) ?? '');
}

interface FailureContext {
  req: HttpRequest;
  url: URL;
  /** The attempt's deadline ran out. */
  expired: boolean;
  timeoutMs: number;
}

const PLAIN_HTTP_FIX = 'If the registry speaks plain HTTP, write its address with http://.';

/** A failed attempt (no answer) → a RegistryError. The caller's cancel is CANCELLED; the deadline is TIMEOUT. */
function failure(e: unknown, ctx: FailureContext): RegistryError {
  const { req, url } = ctx;
  if (req.signal?.aborted) return cancelled();
  const what = `${req.method} ${url.pathname} to ${url.host}`;
  const code = errorCodeOf(e) ?? '';
  if (ctx.expired || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return new RegistryError('TIMEOUT', `${what} did not finish within ${duration(ctx.timeoutMs)}`, {
      cause: e,
      fix: 'Check that the registry is up and reachable; a slow registry or network may need a longer timeout.',
    });
  }
  if (code === 'UND_ERR_CONNECT_TIMEOUT') {
    return new RegistryError('TIMEOUT', `${what} could not connect within ${duration(Math.min(ctx.timeoutMs, MAX_CONNECT_MS))}`, {
      cause: e,
      fix: 'Check the registry address and that the registry is up and reachable.',
    });
  }
  if (code === 'UND_ERR_ABORTED' || (e as Error)?.name === 'AbortError') return cancelled();
  return connectionFailure(e, code, url);
}

function connectionFailure(e: unknown, code: string, url: URL): RegistryError {
  const untrusted = UNTRUSTED.get(code);
  if (untrusted) {
    return new RegistryError('TLS', `the TLS connection to ${url.host} failed: its certificate is not trusted (${untrusted.why})`, { cause: e, fix: untrusted.fix });
  }
  if (answeredInPlainText(e)) {
    return new RegistryError('TLS', `${url.host} does not speak TLS (it answered like a plain-HTTP server)`, { cause: e, fix: PLAIN_HTTP_FIX });
  }
  if (url.protocol === 'https:' && closedWhileConnecting(e)) {
    return new RegistryError('NETWORK', `${url.host} closed the connection during the TLS handshake`, {
      cause: e,
      fix: `Check the registry address and port. ${PLAIN_HTTP_FIX}`,
    });
  }
  if (/^(ERR_SSL_|ERR_TLS_|EPROTO$)/.test(code)) {
    return new RegistryError('TLS', `the TLS connection to ${url.host} failed (${code})`, {
      cause: e,
      fix: `${TRUST_FIX} ${PLAIN_HTTP_FIX}`,
    });
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new RegistryError('NETWORK', `the host ${url.hostname} could not be found`, { cause: e, fix: 'Check the registry address.' });
  }
  if (code === 'ECONNREFUSED') {
    return new RegistryError('NETWORK', `${url.host} refused the connection`, { cause: e, fix: 'Check the registry address and port, and that the registry is running.' });
  }
  const message = (e as Error)?.message ?? String(e);
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

/**
 * For a loopback registry reached without a scheme: does this failure of https mean the server speaks plain http,
 * so that http may be tried (as docker does)?
 *
 * True only for signs of a plain-HTTP server on that port: it answered the ClientHello with bytes that are not a
 * TLS record (an "HTTP/1.1 400" read as a record: wrong version number, packet length too long), or it closed or
 * reset the connection during the handshake (a plain-HTTP server hanging up on bytes it cannot parse).
 *
 * False for everything else, in particular:
 * - certificate and trust errors (self-signed, unknown CA, expired, another name): the server does speak TLS.
 *   Falling back would send the request in clear to a TLS server, which hangs up, and the user would read a socket
 *   error instead of "not trusted" and how to trust it.
 * - a refused connection: refusal happens at TCP, before any protocol. A plain-HTTP registry on port P accepts
 *   the TCP connection (and then fails the handshake), so a refusal on P means nothing listens there, over http
 *   either. Falling back would be harmless but would only repeat the refusal and fix http as the scheme for a
 *   port where nothing runs yet; the error the user should read is the refusal itself.
 * - timeouts, unknown hosts, cancels: nothing about the protocol is known.
 */
export function httpsFailureMeansPlainHttp(e: RegistryError): boolean {
  if (e.code !== 'TLS' && e.code !== 'NETWORK') return false;
  return answeredInPlainText(e.cause) || closedWhileConnecting(e.cause);
}
