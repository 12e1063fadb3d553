// References are values: parse once, validate by the distribution reference grammar, format back.
// The grammar is github.com/distribution/reference (regexp.go, normalize.go, reference.go), parsed the normalised
// way (ParseNormalizedNamed) with three additions of ours: an optional http(s):// scheme, surrounding whitespace is
// ignored, and Docker Hub's aliases are one host, registry-1.docker.io. Hosts are case-insensitive, so they are
// lower-cased. Invariant: no message built here quotes a password (see `holdsLogin` and `quotable`).
import { badInput, type RegistryError } from './errors';

export interface RegistryAddress {
  /** `host[:port]`, lower-cased, Docker Hub normalised to registry-1.docker.io. */
  host: string;
  /** Set only when the user wrote a scheme. */
  scheme?: 'http' | 'https';
}

export interface Reference extends RegistryAddress {
  repository: string;
  tag?: string;
  digest?: string;
}

export const DOCKER_HUB = 'registry-1.docker.io';
const HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);

/** A path component: lower-case alphanumerics joined by `.`, `_`, `__` or a run of `-`. */
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
/** The grammar's digest shape: algorithm components start with a letter; the encoded part is checked per algorithm. */
const DIGEST = /^([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*):([a-zA-Z0-9=_-]+)$/;
/** The only algorithms we accept, with the exact number of lower-case hex characters each takes. */
const DIGEST_HEX_LENGTH: ReadonlyMap<string, number> = new Map([
  ['sha256', 64],
  ['sha384', 96],
  ['sha512', 128],
]);
const SUPPORTED_ALGORITHMS = 'sha256, sha384 and sha512';
/** A domain name (components may hold '-' but not start or end with it) or a bracketed IPv6 address (hex and ':' only). */
const HOST = /^(?:\[[0-9a-fA-F:]+\]|[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*)(?::[0-9]{1,5})?$/;
/** The grammar's limit is on the repository path only (the host does not count), `library/` included. */
const MAX_NAME = 255;
/** An image ID: 64 lower-case hex characters. As a whole reference it is refused, not read as a Hub repository. */
const IMAGE_ID = /^[a-f0-9]{64}$/;
const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//;

function splitScheme(input: string): { scheme?: 'http' | 'https'; rest: string } {
  const m = SCHEME.exec(input);
  if (!m) return { rest: input };
  const scheme = m[1].toLowerCase();
  if (scheme !== 'http' && scheme !== 'https') {
    throw badInput(`"${m[1]}://" is not a registry scheme`, 'Use https:// or http://, or leave the scheme out.');
  }
  return { scheme, rest: input.slice(m[0].length) };
}

/** Thrown for `user[:password]@host`; it quotes nothing from the input, so no password can leak through it. */
function loginInAddress(): RegistryError {
  return badInput(
    'the address holds a user name or password before an @; credentials do not belong in the address',
    'Remove the user name and password from the address and give the login separately.',
  );
}

/**
 * Text after an '@' that is meant as a digest (right or wrong) and can never be `host[:port]`: it starts with a
 * supported algorithm and ':', or has the grammar's digest shape (`algorithm:` and at least 32 hex characters; a port
 * has at most 5 digits).
 */
function meantAsDigest(text: string): boolean {
  return /^sha(?:256|384|512):/i.test(text) || /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/.test(text);
}

/**
 * Whether `rest` (the reference after any scheme) carries user info. In a reference an '@' only starts the digest,
 * which ends the reference and holds no '/' or '@'; so an '@' followed by either is user info. So is an '@' before
 * any path after a scheme (a digest needs a repository first), or after `user:password` with no path and no digest.
 */
function holdsLogin(rest: string, hasScheme: boolean): boolean {
  const at = rest.indexOf('@');
  if (at < 0) return false;
  const before = rest.slice(0, at);
  const after = rest.slice(at + 1);
  if (/[/@]/.test(after)) return true;
  if (before.includes('/')) return false;
  return hasScheme || (before.includes(':') && !meantAsDigest(after));
}

/**
 * The reference as messages may quote it. A password can only stand before an '@' and after a ':'; when the text after
 * the '@' is not meant as a digest, whatever stands before the '@' is left out.
 */
function quotable(scheme: string, rest: string): string {
  const at = rest.indexOf('@');
  if (at < 0) return scheme + rest;
  const after = rest.slice(at + 1);
  if (meantAsDigest(after) || !rest.slice(0, at).includes(':')) return scheme + rest;
  return `…@${after}`;
}

function normaliseHost(host: string, whole: string): string {
  if (!HOST.test(host)) throw badInput(`"${host}" in "${whole}" is not a valid registry host`, 'Write it as host or host:port, e.g. localhost:5000.');
  const port = /:(\d+)$/.exec(host);
  if (port && (Number(port[1]) < 1 || Number(port[1]) > 65535)) throw badInput(`port ${port[1]} in "${whole}" is out of range`);
  const lower = host.toLowerCase();
  return HUB_ALIASES.has(lower) ? DOCKER_HUB : lower;
}

/** Parses `host[:port]` or `http(s)://host[:port][/]`. A host never holds an '@': one there is a login. */
export function parseRegistry(input: string): RegistryAddress {
  const trimmed = input.trim();
  if (!trimmed) throw badInput('the registry is empty', 'Give a registry such as localhost:5000 or https://ghcr.io.');
  if (trimmed.includes('@')) throw loginInAddress();
  const { scheme, rest } = splitScheme(trimmed);
  const host = rest.replace(/\/+$/, '');
  if (host.includes('/')) throw badInput(`"${input}" has a path; a registry is only host[:port]`);
  return { host: normaliseHost(host, input), scheme };
}

/**
 * The key a registry is known by everywhere (settings, sessions, secret storage, the docker config): its normalised
 * `host[:port]`. Takes `localhost:5000`, `http://LOCALHOST:5000/`, `docker.io`, and server URLs with a path as the
 * docker config writes them (`https://index.docker.io/v1/`). Throws BAD_INPUT for anything that is not a host.
 * The '@' check comes before the path is cut, so a password holding a '/' is refused whole, never quoted in part.
 */
export function registryKey(hostOrUrl: string): string {
  if (hostOrUrl.includes('@')) throw loginInAddress();
  const withoutPath = hostOrUrl.trim().replace(/^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/)?([^/]*).*$/, '$1$2');
  return parseRegistry(withoutPath).host;
}

/**
 * The grammar's test (splitDockerDomain) for a first path component that names a host: it holds '.' or ':', is
 * `localhost`, or is not all lower-case (a repository name never is).
 */
function looksLikeHost(component: string): boolean {
  return component.includes('.') || component.includes(':') || component === 'localhost' || component !== component.toLowerCase();
}

/** Accepts `sha256:`, `sha384:` or `sha512:` followed by exactly 64, 96 or 128 lower-case hex characters. */
export function validateDigest(digest: string, whole = digest): void {
  const m = DIGEST.exec(digest);
  if (!m) throw badInput(`"${digest}" in "${whole}" is not a digest`, 'A digest looks like sha256: followed by 64 hex characters.');
  const [, algorithm, encoded] = m;
  const want = DIGEST_HEX_LENGTH.get(algorithm);
  if (want === undefined) {
    throw badInput(
      `the digest algorithm "${algorithm}" in "${whole}" is not supported (only ${SUPPORTED_ALGORITHMS} are)`,
      'Give the digest as sha256: followed by 64 hex characters (or sha384 or sha512).',
    );
  }
  if (encoded.length !== want || !/^[a-f0-9]+$/.test(encoded)) {
    throw badInput(`the ${algorithm} digest in "${whole}" must be ${want} lowercase hex characters (got ${encoded.length})`);
  }
}

export function isDigest(s: string): boolean {
  try {
    validateDigest(s);
    return true;
  } catch {
    return false;
  }
}

export function validateTag(tag: string, whole = tag): void {
  if (!TAG.test(tag)) {
    throw badInput(`tag "${tag}" in "${whole}" is not valid`, 'A tag is up to 128 letters, digits, _, . and -, and cannot start with . or -.');
  }
}

export function validateRepository(repository: string, whole = repository): void {
  if (!repository) throw badInput(`"${whole}" names no repository`, 'Write it as host/repository, e.g. localhost:5000/team/app.');
  if (repository.length > MAX_NAME) throw badInput(`the repository name in "${whole}" is longer than ${MAX_NAME} characters`);
  for (const part of repository.split('/')) {
    if (!COMPONENT.test(part)) {
      throw badInput(
        `"${part}" in "${whole}" is not a valid repository name component`,
        'Repository names use lowercase letters, digits and single separators (. _ __ -) between them.',
      );
    }
  }
}

function refuseImageId(whole: string): void {
  if (!IMAGE_ID.test(whole)) return;
  throw badInput(
    `"${whole}" is 64 hex characters, which reads as an image ID, not a repository name`,
    `Put the registry in front to mean a repository of that name (docker.io/${whole}), or give a digest after a repository (name@sha256:…).`,
  );
}

/** Splits `name[:tag]`: a tag follows the last ':' after the last '/' (a host's port comes before a '/'). */
function splitTag(name: string): { name: string; tag?: string } {
  const lastColon = name.lastIndexOf(':');
  if (lastColon <= name.lastIndexOf('/')) return { name };
  return { name: name.slice(0, lastColon), tag: name.slice(lastColon + 1) };
}

/** Splits `[host/]path`; without a host (or with a Hub alias) a one-component path gets `library/`. */
function splitHost(name: string, hasScheme: boolean, whole: string): { host: string; repository: string } {
  const slash = name.indexOf('/');
  if (slash >= 0 && (hasScheme || looksLikeHost(name.slice(0, slash)))) {
    const host = normaliseHost(name.slice(0, slash), whole);
    const repository = name.slice(slash + 1);
    return { host, repository: host === DOCKER_HUB && repository && !repository.includes('/') ? `library/${repository}` : repository };
  }
  if (hasScheme) throw badInput(`"${whole}" names no repository`, 'Write it as host/repository, e.g. localhost:5000/team/app.');
  return { host: DOCKER_HUB, repository: name && !name.includes('/') ? `library/${name}` : name };
}

/**
 * Parses `[http(s)://]host[:port]/path/repo[:tag][@algo:hex]`. Without a host, the name is on Docker Hub
 * (`nginx` → registry-1.docker.io/library/nginx). A bare 64-hex name and any user info are refused.
 */
export function parseReference(input: string): Reference {
  const trimmed = input.trim();
  if (!trimmed) throw badInput('the image reference is empty', 'Give one like localhost:5000/app:1.0.0.');
  const schemeText = SCHEME.exec(trimmed)?.[0] ?? '';
  const { scheme, rest } = splitScheme(trimmed);
  if (holdsLogin(rest, scheme !== undefined)) throw loginInAddress();
  const whole = quotable(schemeText, rest);
  refuseImageId(trimmed);

  let name = rest;
  let digest: string | undefined;
  const at = name.indexOf('@');
  if (at >= 0) {
    digest = name.slice(at + 1);
    name = name.slice(0, at);
    validateDigest(digest, whole);
  }
  const split = splitTag(name);
  if (split.tag !== undefined) validateTag(split.tag, whole);
  const { host, repository } = splitHost(split.name, scheme !== undefined, whole);
  validateRepository(repository, whole);
  return { host, scheme, repository, tag: split.tag, digest };
}

/** `host/repo[:tag][@digest]` (scheme left out; Docker Hub written as docker.io). */
export function formatReference(ref: Reference): string {
  const host = ref.host === DOCKER_HUB ? 'docker.io' : ref.host;
  let s = `${host}/${ref.repository}`;
  if (ref.tag) s += `:${ref.tag}`;
  if (ref.digest) s += `@${ref.digest}`;
  return s;
}

/** `12` hex characters after the algorithm: `sha256:1a2b3c4d5e6f`. */
export function shortDigest(digest: string, length = 12): string {
  const i = digest.indexOf(':');
  return i < 0 ? digest.slice(0, length) : digest.slice(0, i + 1 + length);
}
