// Starts a REAL registry for tests: Debian's /usr/bin/docker-registry (CNCF distribution 2.8.2) on a free
// loopback port, in a fresh temp folder with its own config (the Debian default config is broken), with no auth,
// htpasswd Basic auth, or token auth backed by test/support/token-server.ts.
// The registry's output goes to registry.log in that folder; its tail is put in errors. Passwords are never
// printed: errors name hosts, ports and files only. Processes are killed on stop() and on process exit.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { ensureSystemPackages, makeTestDir } from './system';
import type { Credential, CredentialSource } from '../../src/registry/types';
import { ACCESS_FULL, startTokenServer, type AccessRule, type TokenServer, type TokenServerOptions } from './token-server';

export const REGISTRY_BINARY = '/usr/bin/docker-registry';

export type RegistryAuth = 'none' | 'basic' | 'token';

export interface RegistryUserSpec {
  username: string;
  /** Generated when absent. */
  password?: string;
  /** Token mode only: what this user may do (default ACCESS_FULL). See ACCESS_PULL_ONLY, ACCESS_STAR_NOT_DELETE. */
  access?: AccessRule[];
  /** Token mode only: an identity (refresh) token the token server accepts for this user. */
  refreshToken?: string;
}

export interface RegistryUser {
  username: string;
  password: string;
  access?: AccessRule[];
  refreshToken?: string;
}

export interface StartRegistryOptions {
  auth?: RegistryAuth;
  /** storage.delete.enabled; default true. False makes DELETE answer 405 UNSUPPORTED. */
  deleteEnabled?: boolean;
  /** Default: one user `alice` with a generated password. Ignored by `none`. */
  users?: RegistryUserSpec[];
  /** Token mode: what anonymous requests get (default: a token granting nothing), or false for 401. */
  anonymous?: AccessRule[] | false;
  /** Token mode: further token server options (expiresIn, keyHeader, service, issuer). */
  token?: Pick<TokenServerOptions, 'expiresIn' | 'keyHeader' | 'service' | 'issuer'>;
  /** Registry log level (default warn). */
  logLevel?: 'error' | 'warn' | 'info' | 'debug';
  /** Keep the temp folder after stop (also with env REGX_KEEP_TEST_DIRS=1). */
  keepDir?: boolean;
  /** Readiness timeout in ms (default 20000). */
  startTimeoutMs?: number;
}

export interface GarbageCollectOptions {
  deleteUntagged?: boolean;
  dryRun?: boolean;
}

export interface TestRegistry {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** `127.0.0.1:PORT` */
  host: string;
  port: number;
  auth: RegistryAuth;
  deleteEnabled: boolean;
  /** The temp folder holding config, data, log (and htpasswd / token cert). */
  dir: string;
  dataDir: string;
  configPath: string;
  logPath: string;
  /** The users the tests log in as (not including `admin`). */
  users: RegistryUser[];
  /** A full-access user for seeding (basic and token modes). */
  admin?: RegistryUser;
  tokenServer?: TokenServer;
  /** Stops the registry (and its token server) and removes the temp folder. Safe to call twice. */
  stop(): Promise<void>;
  /** Stops and starts the registry on the same port and data. */
  restart(): Promise<void>;
  /** Stops the registry, runs `docker-registry garbage-collect`, starts it again on the same port. */
  garbageCollect(options?: GarbageCollectOptions): Promise<{ output: string }>;
  /** The last lines of the registry's log. */
  logTail(lines?: number): string;
}

const ADMIN_NAME = 'regx-seed-admin';

function generatePassword(): string {
  return `pw-${randomBytes(15).toString('base64url')}`;
}

/** A port the kernel just handed out on 127.0.0.1 (free right now; the caller retries if someone takes it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function tail(path: string, lines = 30): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** bcrypt htpasswd lines via `htpasswd -B -i -n` (the password goes through stdin, never argv). */
function htpasswdLine(username: string, password: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile('htpasswd', ['-B', '-C', '5', '-i', '-n', username], { timeout: 30_000 }, (err, stdout) => {
      if (err) reject(new Error(`htpasswd failed for user ${username}: exit ${(err as { code?: unknown }).code ?? '?'}`));
      else resolve(stdout.trim());
    });
    child.stdin?.end(password);
  });
}

// ---- process bookkeeping: kill every registry we started when this process goes away ----

interface Live {
  child?: ChildProcess;
  dir: string;
  keep: boolean;
}

// Shared through globalThis: every test bundle carries its own copy of this module, but one process needs one
// set of hooks (and one list of registries to kill).
interface Bookkeeping {
  live: Set<Live>;
  hooksInstalled: boolean;
}
const BOOKKEEPING = Symbol.for('regx.test.registry.bookkeeping');
const book: Bookkeeping = ((globalThis as Record<symbol, unknown>)[BOOKKEEPING] ??= { live: new Set<Live>(), hooksInstalled: false }) as Bookkeeping;
const live = book.live;

function killAllNow(): void {
  for (const l of live) {
    try {
      l.child?.kill('SIGKILL');
    } catch {
      // already gone
    }
    if (!l.keep) rmSync(l.dir, { recursive: true, force: true });
  }
  live.clear();
}

function installExitHooks(): void {
  if (book.hooksInstalled) return;
  book.hooksInstalled = true;
  process.on('exit', killAllNow);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      killAllNow();
      // If nobody else handles the signal, die of it as we would have without this hook.
      if (process.listenerCount(sig) <= 1) {
        process.removeListener(sig, onSignal);
        process.kill(process.pid, sig);
      }
    };
    process.on(sig, onSignal);
  }
}

function buildConfig(opts: {
  port: number;
  dataDir: string;
  deleteEnabled: boolean;
  logLevel: string;
  auth: RegistryAuth;
  htpasswdPath: string;
  tokenServer?: TokenServer;
}): string {
  const config: Record<string, unknown> = {
    version: '0.1',
    log: { level: opts.logLevel, formatter: 'text', accesslog: { disabled: true } },
    storage: {
      filesystem: { rootdirectory: opts.dataDir },
      delete: { enabled: opts.deleteEnabled },
      maintenance: { uploadpurging: { enabled: false } },
    },
    http: { addr: `127.0.0.1:${opts.port}`, secret: randomBytes(16).toString('hex'), headers: { 'X-Content-Type-Options': ['nosniff'] } },
    health: { storagedriver: { enabled: false } },
  };
  if (opts.auth === 'basic') config.auth = { htpasswd: { realm: 'basic-realm', path: opts.htpasswdPath } };
  if (opts.auth === 'token' && opts.tokenServer !== undefined) {
    const ts = opts.tokenServer;
    config.auth = { token: { realm: ts.realm, service: ts.service, issuer: ts.issuer, rootcertbundle: ts.certPath } };
  }
  // JSON is YAML: the registry reads it as its config.
  return JSON.stringify(config, null, 2) + '\n';
}

/** Polls GET /v2/ until the registry answers anything (200 or 401), the child dies, or the time runs out. */
async function waitReady(url: string, child: ChildProcess, logPath: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited: number | string | null | undefined;
  const onExit = (code: number | null, signal: string | null): void => {
    exited = code ?? signal;
  };
  child.once('exit', onExit);
  try {
    while (Date.now() < deadline) {
      if (exited !== undefined) throw new Error(`docker-registry exited (${exited}) before it was ready on ${url}.\n--- ${logPath} ---\n${tail(logPath)}`);
      try {
        const res = await fetch(`${url}/v2/`, { signal: AbortSignal.timeout(1000) });
        await res.arrayBuffer();
        return;
      } catch {
        await sleep(50);
      }
    }
    throw new Error(`docker-registry did not answer on ${url}/v2/ within ${timeoutMs} ms.\n--- ${logPath} ---\n${tail(logPath)}`);
  } finally {
    child.removeListener('exit', onExit);
  }
}

function spawnRegistry(configPath: string, logPath: string): ChildProcess {
  const fd = openSync(logPath, 'a');
  try {
    // setpriv --pdeathsig: the registry dies with us even if we are SIGKILLed.
    const usePdeath = existsSync('/usr/bin/setpriv');
    const [cmd, args] = usePdeath
      ? ['/usr/bin/setpriv', ['--pdeathsig', 'KILL', '--', REGISTRY_BINARY, 'serve', configPath]]
      : [REGISTRY_BINARY, ['serve', configPath]];
    const child = spawn(cmd, args, { stdio: ['ignore', fd, fd] });
    child.on('error', () => undefined);
    return child;
  } finally {
    closeSync(fd);
  }
}

async function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await gone;
  clearTimeout(timer);
}

/** Starts a real docker-registry on 127.0.0.1. Always call stop() (an exit hook kills it otherwise). */
export async function startRegistry(options: StartRegistryOptions = {}): Promise<TestRegistry> {
  const auth = options.auth ?? 'none';
  const deleteEnabled = options.deleteEnabled ?? true;
  const keep = options.keepDir === true || process.env.REGX_KEEP_TEST_DIRS === '1';
  const timeoutMs = options.startTimeoutMs ?? 20_000;
  ensureSystemPackages(auth === 'basic' ? ['docker-registry', 'apache2-utils'] : auth === 'token' ? ['docker-registry', 'openssl'] : ['docker-registry']);
  installExitHooks();

  const dir = makeTestDir('regx-registry-');
  const entry: Live = { dir, keep };
  live.add(entry);
  const dataDir = join(dir, 'data');
  mkdirSync(dataDir);
  const configPath = join(dir, 'config.yml');
  const logPath = join(dir, 'registry.log');
  const htpasswdPath = join(dir, 'htpasswd');

  const specs = options.users ?? [{ username: 'alice' }];
  const users: RegistryUser[] =
    auth === 'none'
      ? []
      : specs.map((s) => ({
          username: s.username,
          password: s.password ?? generatePassword(),
          ...(s.access !== undefined ? { access: s.access } : {}),
          ...(s.refreshToken !== undefined ? { refreshToken: s.refreshToken } : {}),
        }));
  const admin: RegistryUser | undefined = auth === 'none' ? undefined : { username: ADMIN_NAME, password: generatePassword(), access: ACCESS_FULL };
  for (const u of [...users, ...(admin ? [admin] : [])]) {
    Object.defineProperty(u, inspect.custom, { value: () => `RegistryUser(${u.username})`, enumerable: false });
  }

  let tokenServer: TokenServer | undefined;
  try {
    if (auth === 'basic') {
      const lines = await Promise.all([...users, admin!].map((u) => htpasswdLine(u.username, u.password)));
      writeFileSync(htpasswdPath, lines.join('\n') + '\n', { mode: 0o600 });
    }
    if (auth === 'token') {
      tokenServer = await startTokenServer({
        ...options.token,
        dir,
        users: [...users, admin!].map((u) => ({ username: u.username, password: u.password, access: u.access, refreshToken: u.refreshToken })),
        anonymous: options.anonymous,
      });
    }
  } catch (err) {
    live.delete(entry);
    await tokenServer?.stop();
    if (!keep) rmSync(dir, { recursive: true, force: true });
    throw err;
  }

  let port = 0;
  let child: ChildProcess | undefined;
  const writeConfig = (): void =>
    writeFileSync(configPath, buildConfig({ port, dataDir, deleteEnabled, logLevel: options.logLevel ?? 'warn', auth, htpasswdPath, tokenServer }), { mode: 0o600 });

  const launch = async (): Promise<void> => {
    child = spawnRegistry(configPath, logPath);
    entry.child = child;
    try {
      await waitReady(`http://127.0.0.1:${port}`, child, logPath, timeoutMs);
    } catch (err) {
      await stopChild(child);
      throw err;
    }
  };

  // The free port can be taken between our probe and the registry's bind: try a few ports.
  let lastErr: unknown;
  for (let attempt = 0; attempt < 4; attempt++) {
    port = await freePort();
    writeConfig();
    try {
      await launch();
      lastErr = undefined;
      break;
    } catch (err) {
      lastErr = err;
      if (!/address already in use/i.test(tail(logPath, 5))) break;
    }
  }
  if (lastErr !== undefined) {
    live.delete(entry);
    await tokenServer?.stop();
    if (!keep) rmSync(dir, { recursive: true, force: true });
    throw lastErr;
  }

  let stopped = false;
  const url = `http://127.0.0.1:${port}`;
  const reg: TestRegistry = {
    url,
    host: `127.0.0.1:${port}`,
    port,
    auth,
    deleteEnabled,
    dir,
    dataDir,
    configPath,
    logPath,
    users,
    ...(admin ? { admin } : {}),
    ...(tokenServer ? { tokenServer } : {}),
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await stopChild(child);
      await tokenServer?.stop();
      live.delete(entry);
      if (!keep) rmSync(dir, { recursive: true, force: true });
    },
    restart: async () => {
      if (stopped) throw new Error(`registry ${url} was stopped; start a new one`);
      await stopChild(child);
      await launch();
    },
    garbageCollect: async (gc = {}) => {
      if (stopped) throw new Error(`registry ${url} was stopped; start a new one`);
      await stopChild(child);
      const args = ['garbage-collect', ...(gc.dryRun ? ['--dry-run'] : []), ...(gc.deleteUntagged ? ['--delete-untagged'] : []), configPath];
      const result = await new Promise<{ code: number | string | null; output: string }>((resolve) => {
        execFile(REGISTRY_BINARY, args, { timeout: 300_000, maxBuffer: 256 * 1024 * 1024 }, (err, stdout, stderr) => {
          const code = err ? ((err as { code?: number | string }).code ?? 'error') : 0;
          resolve({ code, output: `${stdout}${stderr}` });
        });
      });
      await launch();
      if (result.code !== 0) {
        throw new Error(`docker-registry garbage-collect failed (${result.code}) for ${url}:\n${result.output.trimEnd().split('\n').slice(-20).join('\n')}`);
      }
      return { output: result.output };
    },
    logTail: (lines = 30) => tail(logPath, lines),
  };
  Object.defineProperty(reg, inspect.custom, { value: () => `TestRegistry(${url}, auth=${auth})`, enumerable: false });
  return reg;
}

/**
 * A CredentialSource for the engine that knows one user of this registry (default the first), by host.
 * `identityToken: true` hands out the user's refresh token instead of the password (token mode).
 */
export function credentialSource(reg: Pick<TestRegistry, 'host' | 'users' | 'admin'>, username?: string, opts: { identityToken?: boolean } = {}): CredentialSource {
  const user = username === undefined ? reg.users[0] : [...reg.users, ...(reg.admin ? [reg.admin] : [])].find((u) => u.username === username);
  if (user === undefined) throw new Error(`no user ${username ?? '(first)'} on ${reg.host}`);
  const credential: Credential = opts.identityToken
    ? { username: user.username, identityToken: user.refreshToken ?? '' }
    : { username: user.username, password: user.password };
  return async (host: string) => (host === reg.host || host === `http://${reg.host}` ? { ...credential } : undefined);
}
