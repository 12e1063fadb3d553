// References are values: parse once, validate by the distribution reference grammar, format back.
import { badInput } from './errors';

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

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^([a-z0-9]+(?:[.+_-][a-z0-9]+)*):([a-zA-Z0-9=_-]+)$/;
const DIGEST_HEX_LENGTH: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };
const HOST = /^(?:\[[0-9a-fA-F:.]+\]|[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*)(?::[0-9]{1,5})?$/;
const MAX_NAME = 255;

function splitScheme(input: string): { scheme?: 'http' | 'https'; rest: string } {
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(input);
  if (!m) return { rest: input };
  const scheme = m[1].toLowerCase();
  if (scheme !== 'http' && scheme !== 'https') {
    throw badInput(`"${m[1]}://" is not a registry scheme`, 'Use https:// or http://, or leave the scheme out.');
  }
  return { scheme, rest: input.slice(m[0].length) };
}

function normaliseHost(host: string, whole: string): string {
  if (!HOST.test(host)) throw badInput(`"${host}" in "${whole}" is not a valid registry host`, 'Write it as host or host:port, e.g. localhost:5000.');
  const port = /:(\d+)$/.exec(host);
  if (port && (Number(port[1]) < 1 || Number(port[1]) > 65535)) throw badInput(`port ${port[1]} in "${whole}" is out of range`);
  const lower = host.toLowerCase();
  return HUB_ALIASES.has(lower) ? DOCKER_HUB : lower;
}

/** Parses `host[:port]` or `http(s)://host[:port][/]`. */
export function parseRegistry(input: string): RegistryAddress {
  const trimmed = input.trim();
  if (!trimmed) throw badInput('the registry is empty', 'Give a registry such as localhost:5000 or https://ghcr.io.');
  const { scheme, rest } = splitScheme(trimmed);
  const host = rest.replace(/\/+$/, '');
  if (host.includes('/')) throw badInput(`"${input}" has a path; a registry is only host[:port]`);
  return { host: normaliseHost(host, input), scheme };
}

function looksLikeHost(component: string): boolean {
  return component.includes('.') || component.includes(':') || component === 'localhost' || component.startsWith('[');
}

export function validateDigest(digest: string, whole = digest): void {
  const m = DIGEST.exec(digest);
  if (!m) throw badInput(`"${digest}" in "${whole}" is not a digest`, 'A digest looks like sha256: followed by 64 hex characters.');
  const want = DIGEST_HEX_LENGTH[m[1]];
  if (want !== undefined && (m[2].length !== want || !/^[a-f0-9]+$/.test(m[2]))) {
    throw badInput(`the ${m[1]} digest in "${whole}" must be ${want} lowercase hex characters (got ${m[2].length})`);
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

/**
 * Parses `[http(s)://]host[:port]/path/repo[:tag][@algo:hex]`. Without a host, the name is on Docker Hub
 * (`nginx` → registry-1.docker.io/library/nginx).
 */
export function parseReference(input: string): Reference {
  const whole = input.trim();
  if (!whole) throw badInput('the image reference is empty', 'Give one like localhost:5000/app:1.0.0.');
  const { scheme, rest } = splitScheme(whole);

  let name = rest;
  let digest: string | undefined;
  const at = name.indexOf('@');
  if (at >= 0) {
    digest = name.slice(at + 1);
    name = name.slice(0, at);
    validateDigest(digest, whole);
  }
  let tag: string | undefined;
  const lastSlash = name.lastIndexOf('/');
  const lastColon = name.lastIndexOf(':');
  if (lastColon > lastSlash) {
    tag = name.slice(lastColon + 1);
    name = name.slice(0, lastColon);
    validateTag(tag, whole);
  }

  const slash = name.indexOf('/');
  let host: string;
  let repository: string;
  if (slash >= 0 && (looksLikeHost(name.slice(0, slash)) || scheme)) {
    host = normaliseHost(name.slice(0, slash), whole);
    repository = name.slice(slash + 1);
  } else if (scheme) {
    throw badInput(`"${whole}" names no repository`, 'Write it as host/repository, e.g. localhost:5000/team/app.');
  } else {
    host = DOCKER_HUB;
    repository = name;
  }
  if (host === DOCKER_HUB && repository && !repository.includes('/')) repository = `library/${repository}`;
  validateRepository(repository, whole);
  return { host, scheme, repository, tag, digest };
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
