// Reads the logins Docker already has: `auths` in the docker config file, and the credential helpers named by
// `credHelpers` (per host) and `credsStore` (all hosts), run as `docker-credential-<name> get`.
// No secret ever reaches an error or the log: messages name the file, the host and the helper only.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Credential, CredentialSource, Logger } from '../registry/types';
import { RegistryError, badInput } from '../registry/errors';
import { DOCKER_HUB } from '../registry/reference';
import { registryKey } from '../registry/reference';
import { hasLogin } from './store';

export interface DockerConfigOptions {
  /** The config file. Default `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`. */
  configPath?: string;
  /** Environment for DOCKER_CONFIG, HOME and the helpers' PATH. Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** How long a credential helper may take. Default 20000 ms. */
  helperTimeoutMs?: number;
  logger?: Logger;
}

/** One registry the docker config knows a login for (no secrets). */
export interface DockerConfigRegistry {
  /** Normalised `host[:port]`. */
  host: string;
  /** The key as written in the config (`https://index.docker.io/v1/`, `localhost:5000`). */
  serverURL: string;
  /** `file` when the config itself holds the secret; `helper` when a credential helper does. */
  store: 'file' | 'helper';
  /** The helper's name (`desktop`, `pass`, …) when `store` is `helper`. */
  helper?: string;
}

interface AuthEntry {
  auth?: string;
  username?: string;
  password?: string;
  identitytoken?: string;
  registrytoken?: string;
}

interface DockerConfigFile {
  auths: Record<string, AuthEntry>;
  credHelpers: Record<string, string>;
  credsStore?: string;
}

const DEFAULT_HELPER_TIMEOUT = 20_000;
const HELPER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const HUB_SERVER_URL = 'https://index.docker.io/v1/';
const MAX_HELPER_OUTPUT = 1024 * 1024;

export function dockerConfigPath(options: DockerConfigOptions = {}): string {
  if (options.configPath) return options.configPath;
  const env = options.env ?? process.env;
  if (env.DOCKER_CONFIG) return join(env.DOCKER_CONFIG, 'config.json');
  return join(env.HOME || homedir(), '.docker', 'config.json');
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Reads and checks the config file. Undefined when there is none; BAD_INPUT (naming the file, never its content) when malformed. */
export async function readDockerConfig(path: string): Promise<DockerConfigFile | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw badInput(`could not read the docker config ${path} (${code ?? 'read error'})`, 'Check that the file is readable, or point DOCKER_CONFIG at another folder.');
  }
  const fix = 'Fix the file (it must be a JSON object like {"auths": {}}), or move it away and run docker login again.';
  let json: unknown;
  try {
    json = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    // The parser's message quotes the file, which may hold secrets: say only where.
    throw badInput(`the docker config ${path} is not valid JSON`, fix);
  }
  if (!isObject(json)) throw badInput(`the docker config ${path} is not a JSON object`, fix);
  const { auths = {}, credHelpers = {}, credsStore } = json;
  if (!isObject(auths) || Object.values(auths).some((v) => !isObject(v))) throw badInput(`"auths" in the docker config ${path} is not an object of logins`, fix);
  if (!isObject(credHelpers) || Object.values(credHelpers).some((v) => typeof v !== 'string')) {
    throw badInput(`"credHelpers" in the docker config ${path} must map hosts to helper names`, fix);
  }
  if (credsStore !== undefined && typeof credsStore !== 'string') throw badInput(`"credsStore" in the docker config ${path} must be a helper name`, fix);
  for (const name of [...Object.values(credHelpers), ...(credsStore ? [credsStore] : [])] as string[]) {
    if (!HELPER_NAME.test(name)) throw badInput(`the docker config ${path} names a credential helper "${name}" that is not a plain name`, fix);
  }
  return { auths: auths as Record<string, AuthEntry>, credHelpers: credHelpers as Record<string, string>, credsStore: credsStore || undefined };
}

function keyOf(serverURL: string): string | undefined {
  try {
    return registryKey(serverURL);
  } catch {
    return undefined;
  }
}

/** The credential written in an `auths` entry, or undefined when the entry holds none (the helper has it). */
function fromAuthEntry(entry: AuthEntry, host: string, path: string): Credential | undefined {
  const c: Credential = {};
  if (typeof entry.auth === 'string' && entry.auth !== '') {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0 || !/^[A-Za-z0-9+/=\s]+$/.test(entry.auth)) {
      throw badInput(`the "auth" for ${host} in the docker config ${path} is not base64 of user:password`, 'Run docker login for that registry again, or remove the entry.');
    }
    c.username = decoded.slice(0, colon);
    c.password = decoded.slice(colon + 1);
  }
  if (typeof entry.username === 'string' && entry.username) c.username = entry.username;
  if (typeof entry.password === 'string' && entry.password) c.password = entry.password;
  if (typeof entry.identitytoken === 'string' && entry.identitytoken) c.identityToken = entry.identitytoken;
  if (typeof entry.registrytoken === 'string' && entry.registrytoken) c.registryToken = entry.registrytoken;
  return c.password || c.identityToken || c.registryToken ? c : undefined;
}

/** The `auths` entries for a host: the key written exactly as the host first, then the others that normalise to it. */
function authEntriesFor(config: DockerConfigFile, host: string): AuthEntry[] {
  const keys = Object.keys(config.auths).filter((k) => keyOf(k) === host);
  keys.sort((a, b) => Number(b === host) - Number(a === host));
  return keys.map((k) => config.auths[k]);
}

function helperFor(config: DockerConfigFile, host: string): { name: string; perHost: boolean } | undefined {
  for (const [k, name] of Object.entries(config.credHelpers)) if (keyOf(k) === host) return { name, perHost: true };
  return config.credsStore ? { name: config.credsStore, perHost: false } : undefined;
}

class HelperError extends Error {}

interface HelperRun {
  code: number | null;
  stdout: string;
}

function runHelper(name: string, action: 'get' | 'list', input: string, options: DockerConfigOptions): Promise<HelperRun> {
  const program = `docker-credential-${name}`;
  const timeoutMs = options.helperTimeoutMs ?? DEFAULT_HELPER_TIMEOUT;
  return new Promise((resolve, reject) => {
    const child = spawn(program, [action], { env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish(() => reject(new HelperError(`${program} did not answer within ${timeoutMs} ms`)));
    }, timeoutMs);
    child.on('error', (e: NodeJS.ErrnoException) => {
      finish(() => reject(new HelperError(e.code === 'ENOENT' ? `${program} is not on PATH` : `${program} could not be started (${e.code ?? 'error'})`)));
    });
    child.stdout.on('data', (b: Buffer) => {
      size += b.length;
      if (size <= MAX_HELPER_OUTPUT) chunks.push(b);
    });
    child.stderr.resume();
    child.stdin.on('error', () => undefined); // a helper that exits without reading stdin
    child.on('close', (code) => finish(() => resolve({ code, stdout: Buffer.concat(chunks).toString('utf8') })));
    child.stdin.end(input);
  });
}

/** `docker-credential-<name> get` for one server URL. Undefined when the helper has no login for it. */
async function helperGet(name: string, serverURL: string, host: string, options: DockerConfigOptions): Promise<Credential | undefined> {
  const program = `docker-credential-${name}`;
  const run = await runHelper(name, 'get', serverURL, options);
  if (run.code !== 0) {
    // Helpers exit non-zero for "no login here" (the usual "credentials not found in native keychain") and
    // for their own troubles (locked keychain, expired cloud login): either way there is no credential.
    if (!/credentials not found/i.test(run.stdout)) options.logger?.warn(`credential helper for ${host}: ${program} get exited with code ${run.code ?? 'signal'}; going on without its login`);
    return undefined;
  }
  let reply: unknown;
  try {
    reply = JSON.parse(run.stdout);
  } catch {
    throw new HelperError(`${program} get did not print JSON`);
  }
  if (!isObject(reply)) throw new HelperError(`${program} get did not print a JSON object`);
  const username = typeof reply.Username === 'string' ? reply.Username : '';
  const secret = typeof reply.Secret === 'string' ? reply.Secret : '';
  if (!secret) return undefined;
  return username === '<token>' ? { identityToken: secret } : { username, password: secret };
}

/** `docker-credential-<name> list`: the server URLs it holds logins for. */
async function helperList(name: string, options: DockerConfigOptions): Promise<string[]> {
  const run = await runHelper(name, 'list', '', options);
  if (run.code !== 0) throw new HelperError(`docker-credential-${name} list failed with exit code ${run.code ?? 'signal'}`);
  try {
    const reply: unknown = JSON.parse(run.stdout);
    return isObject(reply) ? Object.keys(reply) : [];
  } catch {
    throw new HelperError(`docker-credential-${name} list did not print JSON`);
  }
}

/** Asks a helper for the host: under the name docker uses, then under any other name it lists for the same host. */
async function helperLookup(name: string, host: string, options: DockerConfigOptions): Promise<Credential | undefined> {
  const primary = host === DOCKER_HUB ? HUB_SERVER_URL : host;
  const found = await helperGet(name, primary, host, options);
  if (found) return found;
  let others: string[] = [];
  try {
    others = (await helperList(name, options)).filter((u) => u !== primary && keyOf(u) === host);
  } catch {
    return undefined; // some helpers cannot list; the direct lookup already said "not found"
  }
  for (const url of others) {
    const c = await helperGet(name, url, host, options);
    if (c) return c;
  }
  return undefined;
}

/** The docker config's credential for a normalised host, or undefined. */
export async function lookupDockerCredential(hostOrUrl: string, options: DockerConfigOptions = {}): Promise<Credential | undefined> {
  const path = dockerConfigPath(options);
  const config = await readDockerConfig(path);
  if (!config) return undefined;
  const host = registryKey(hostOrUrl);
  const fileCredential = (): Credential | undefined => {
    for (const entry of authEntriesFor(config, host)) {
      const c = fromAuthEntry(entry, host, path);
      if (c) return c;
    }
    return undefined;
  };

  const helper = helperFor(config, host);
  if (helper) {
    try {
      const c = await helperLookup(helper.name, host, options);
      if (hasLogin(c)) return c;
    } catch (e) {
      if (!(e instanceof HelperError)) throw e;
      const fallback = fileCredential();
      options.logger?.warn(`credential helper for ${host}: ${e.message}${fallback ? '; using the login in the docker config file instead' : ''}`);
      if (fallback) return fallback;
      // A helper configured for this very host that fails is worth an error; a global credsStore that fails
      // (e.g. "desktop" copied to a machine without it) must not break registries that need no login.
      if (helper.perHost) {
        throw new RegistryError('UNAUTHORIZED', `could not get the login for ${host}: ${e.message}`, {
          fix: `Check that docker-credential-${helper.name} works (docker login ${host}), or remove ${host} from "credHelpers" in ${path}.`,
        });
      }
      return undefined;
    }
  }
  return fileCredential();
}

/** A CredentialSource over the docker config (read on every call, so a new `docker login` is seen at once). */
export function dockerConfigCredentialSource(options: DockerConfigOptions = {}): CredentialSource {
  return (host) => lookupDockerCredential(host, options);
}

/** The registries the docker config has logins for, sorted by host, without any secret. */
export async function listDockerConfigRegistries(options: DockerConfigOptions = {}): Promise<DockerConfigRegistry[]> {
  const path = dockerConfigPath(options);
  const config = await readDockerConfig(path);
  if (!config) return [];
  const byHost = new Map<string, DockerConfigRegistry>();
  for (const [serverURL, entry] of Object.entries(config.auths)) {
    const host = keyOf(serverURL);
    if (!host || byHost.has(host)) continue;
    const helper = helperFor(config, host);
    let inFile = false;
    try {
      inFile = fromAuthEntry(entry, host, path) !== undefined;
    } catch {
      inFile = false;
    }
    if (helper?.perHost || !inFile) {
      if (helper) byHost.set(host, { host, serverURL, store: 'helper', helper: helper.name });
    } else {
      byHost.set(host, { host, serverURL, store: 'file' });
    }
  }
  for (const [serverURL, name] of Object.entries(config.credHelpers)) {
    const host = keyOf(serverURL);
    if (host && !byHost.has(host)) byHost.set(host, { host, serverURL, store: 'helper', helper: name });
  }
  return [...byHost.values()].sort((a, b) => a.host.localeCompare(b.host));
}
