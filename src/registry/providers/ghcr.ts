// GitHub Container Registry through GitHub's REST API for packages (`https://api.github.com`, or the user's API URL:
// GitHub Enterprise Server, a proxy): the container packages of the login and of its organisations, every version of a
// package (one per manifest, untagged ones included) with its tags and times, and deleting a version (the V2 DELETE
// answers 405 on ghcr.io). GHCR cannot remove one tag alone.
//
// The login's password is a personal access token (classic): read:packages to list, delete:packages to delete. It is
// sent only to the API's origin as a Bearer token. The registry repository `owner/name` is package `name` of `owner`
// (the login itself: /user; one of its organisations: /orgs/{org}; anyone else: /users/{owner}); a name may hold `/`.
//
// What GitHub's versions do not say: media type, platform, the manifests an index names, a signature's subject. The
// platform children of a multi-arch image and cosign signatures are listed as untagged versions like any other; the
// engine reads the tagged indexes and the untagged manifests over V2 (ops/provider-read.ts, ops/manifests.ts), so an
// untagged cleanup never deletes what a tagged image needs. A version's id (needed to delete it) is kept from the
// last listing of its package.
//
// Undo: before a version is deleted, its owner, package and id go into the undo journal (undoRef); an undo asks GitHub
// to restore that version (restoreDeleted, ghcr-restore.ts), which GitHub does within 30 days of the deletion, tags
// and data included, for a token with write:packages. After that nothing of it can come back unless its layers remain.
import { RegistryError } from '../errors';
import { isDigest } from '../reference';
import type { Session } from '../session';
import type { HttpResponse } from '../transport';
import { apiOrigin, createApiSession, type ApiRequest } from './api';
import { allApiPages, type ApiSender } from './api-paging';
import { githubError, quotaOf, type GithubAsk } from './ghcr-errors';
import { checkedGhcrRef, ghcrRef, restoreError, restorePath } from './ghcr-restore';
import { dateOf, jsonBody } from './paging';
import type { ManifestDetail, Provider, ProviderRef, Quota, TagDetail } from './types';

const GITHUB_API = 'https://api.github.com';
const PAGE = 100; // GitHub's largest per_page
const API_VERSION = '2022-11-28';

export const GHCR_NO_UNTAG = 'GHCR has no way to remove one tag: delete the image (every tag on it goes), or push the tag onto another image.';

/** What an undo can do on GHCR: GitHub restores a deleted version for 30 days; its data may go at once. */
export const GHCR_UNDO_NOTE =
  'On GHCR an undo restores the deleted package version through GitHub’s API (tags and data included) within 30 days of the deletion; it needs a token with the write:packages scope. After 30 days nothing of it can come back.';

/** One package version: a manifest of the package. */
interface Version {
  id: number;
  digest: string;
  tags: string[];
  created?: Date;
  updated?: Date;
}

/** Where a package's owner lives on the API. */
interface PackagePath {
  /** `/user`, `/orgs/acme` or `/users/octo`. */
  prefix: string;
  /** The package name, encoded for a path segment (`tools%2Fcli`). */
  name: string;
}

function objects(body: unknown, what: string, host: string): Record<string, unknown>[] {
  if (!Array.isArray(body)) throw new RegistryError('BAD_RESPONSE', `GitHub’s API sent ${what} of ${host} that is not a list`);
  return body.filter((v): v is Record<string, unknown> => v !== null && typeof v === 'object');
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v ? v : undefined;
}

/** `owner` and `name` of the registry repository `owner/name` (GHCR's image names are lower case). */
function splitRepository(repository: string): { owner: string; name: string } {
  const slash = repository.indexOf('/');
  if (slash <= 0 || slash === repository.length - 1) {
    throw new RegistryError('BAD_INPUT', `"${repository}" names no GitHub owner`, { fix: 'GHCR repositories are OWNER/PACKAGE, e.g. octo-org/app (as in ghcr.io/octo-org/app).' });
  }
  return { owner: repository.slice(0, slash).toLowerCase(), name: repository.slice(slash + 1) };
}

function versionOf(v: Record<string, unknown>, repository: string, host: string): Version {
  const digest = text(v.name);
  if (typeof v.id !== 'number' || !digest || !isDigest(digest)) {
    throw new RegistryError('BAD_RESPONSE', `GitHub’s API listed a version of ${repository} (${host}) without a numeric id or a digest as its name`);
  }
  const metadata = (v.metadata ?? {}) as { container?: { tags?: unknown } };
  const tags = Array.isArray(metadata.container?.tags) ? metadata.container.tags.filter((t): t is string => typeof t === 'string' && t !== '') : [];
  return { id: v.id, digest, tags, created: dateOf(v.created_at), updated: dateOf(v.updated_at) };
}

const manifestOf = (v: Version): ManifestDetail => ({ digest: v.digest, tags: [...v.tags].sort(), created: v.created });
const tagsOf = (v: Version): TagDetail[] => v.tags.map((tag) => ({ tag, digest: v.digest, pushed: v.updated ?? v.created }));

export function ghcrProvider(session: Session): Provider {
  const { host } = session;
  let api: ReturnType<typeof createApiSession> | undefined;
  let lastQuota: Quota | undefined;
  let orgs: Promise<Set<string>> | undefined;
  const ids = new Map<string, number>();
  const idKey = (repository: string, digest: string): string => `${repository}\n${digest}`;

  let credential: Promise<{ username?: string; authorization: string }> | undefined;
  /** The token (the login's password), kept out of every message; read once. Throws UNAUTHORIZED when there is none. */
  function login(): Promise<{ username?: string; authorization: string }> {
    credential ??= (async () => {
      const cred = await session.hosted.credential();
      const token = cred?.password;
      if (!token) {
        throw new RegistryError('UNAUTHORIZED', `GHCR’s API on ${host} needs a GitHub login`, {
          need: 'login',
          fix: 'Log in with your GitHub user name and a personal access token (classic) with the read:packages scope (and delete:packages to delete).',
        });
      }
      session.hosted.keepSecret(token);
      return { username: cred?.username?.toLowerCase(), authorization: `Bearer ${token}` };
    })();
    credential.catch(() => (credential = undefined));
    return credential;
  }

  /** Every request: GitHub's headers and the token, and the quota its answer states. */
  const sender: ApiSender = {
    send: async (target: string, req: ApiRequest = {}): Promise<HttpResponse> => {
      api ??= createApiSession(session, apiOrigin(session, GITHUB_API));
      const { authorization } = await login();
      const headers = { accept: 'application/vnd.github+json', 'x-github-api-version': API_VERSION, ...(req.headers ?? {}) };
      const res = await api.send(target, { ...req, headers, authorization });
      lastQuota = quotaOf(res) ?? lastQuota;
      return res;
    },
  };

  const refused = (ask: GithubAsk) => (res: HttpResponse): RegistryError => githubError(res, ask, host, session.secrets());
  const reading = (what: string): GithubAsk => ({ what, scope: 'read:packages' });

  function listed<T>(path: string, what: string, signal: AbortSignal | undefined, item: (o: Record<string, unknown>) => T | undefined): Promise<T[]> {
    return allApiPages(sender, path, {
      request: { signal },
      what,
      items: (res) =>
        objects(jsonBody(res, what, host), what, host)
          .map(item)
          .filter((x): x is T => x !== undefined),
      refused: refused(reading(`list ${what}`)),
    });
  }

  /** The organisations of the login (lower case), read once. */
  function organisations(signal?: AbortSignal): Promise<Set<string>> {
    orgs ??= listed('/user/orgs?per_page=100', 'the organisations of the login', signal, (o) => text(o.login)?.toLowerCase()).then((names) => new Set(names));
    orgs.catch(() => (orgs = undefined));
    return orgs;
  }

  async function packagePath(repository: string, signal?: AbortSignal): Promise<PackagePath> {
    const { owner, name } = splitRepository(repository);
    const encoded = encodeURIComponent(name);
    const { username } = await login();
    if (owner === username) return { prefix: '/user', name: encoded };
    const prefix = (await organisations(signal)).has(owner) ? `/orgs/${encodeURIComponent(owner)}` : `/users/${encodeURIComponent(owner)}`;
    return { prefix, name: encoded };
  }

  /** Every version of the package of `repository`, newest first as GitHub lists them; their ids are kept. */
  async function versions(repository: string, signal?: AbortSignal): Promise<Version[]> {
    const { prefix, name } = await packagePath(repository, signal);
    const what = `the versions of ${repository}`;
    const all = await allApiPages(sender, `${prefix}/packages/container/${name}/versions?per_page=${PAGE}`, {
      request: { signal },
      what,
      items: (res) => objects(jsonBody(res, 'a version list', host), 'a version list', host).map((v) => versionOf(v, repository, host)),
      refused: refused(reading(`list ${what}`)),
    });
    for (const key of [...ids.keys()]) if (key.startsWith(`${repository}\n`)) ids.delete(key);
    for (const v of all) ids.set(idKey(repository, v.digest), v.id);
    return all;
  }

  /** `owner/name` of each container package in a package list. */
  function packages(path: string, what: string, fallbackOwner: string, signal?: AbortSignal): Promise<string[]> {
    return listed(`${path}?package_type=container&per_page=${PAGE}`, what, signal, (p) => {
      const name = text(p.name);
      const owner = text((p.owner as Record<string, unknown> | undefined)?.login) ?? fallbackOwner;
      return name ? `${owner.toLowerCase()}/${name}` : undefined;
    });
  }

  async function listRepositories(signal?: AbortSignal): Promise<string[]> {
    const { username } = await login();
    const out = await packages('/user/packages', `the container packages of ${username ?? 'the login'}`, username ?? '', signal);
    for (const org of await organisations(signal)) {
      out.push(...(await packages(`/orgs/${encodeURIComponent(org)}/packages`, `the container packages of ${org}`, org, signal)));
    }
    return [...new Set(out)].sort();
  }

  /** The id of the version of `digest` (from the last listing, else listed now); undefined when GitHub has none. */
  async function versionId(repository: string, digest: string, signal?: AbortSignal): Promise<number | undefined> {
    return ids.get(idKey(repository, digest)) ?? (await versions(repository, signal)).find((v) => v.digest === digest)?.id;
  }

  /** What restoring the version of `digest` will need once it is deleted: its owner (and kind), package and id. */
  async function undoRef(repository: string, digest: string, signal?: AbortSignal): Promise<ProviderRef | undefined> {
    const versionIdNow = await versionId(repository, digest, signal);
    if (versionIdNow === undefined) return undefined;
    const { prefix } = await packagePath(repository, signal);
    const { owner, name } = splitRepository(repository);
    return ghcrRef({ owner, ownerType: prefix.startsWith('/orgs/') ? 'org' : 'user', package: name, versionId: versionIdNow });
  }

  /** GitHub's restore of a deleted version (it comes back with its tags); throws in plain words when it cannot. */
  async function restoreDeleted(repository: string, ref: ProviderRef, signal?: AbortSignal): Promise<void> {
    const { owner, name } = splitRepository(repository);
    const version = checkedGhcrRef(ref, owner, name, repository);
    const { username } = await login();
    const res = await sender.send(restorePath(version, username), { method: 'POST', signal, retry: false });
    if (res.status !== 204 && res.status !== 200) throw restoreError(res, version, repository, host, session.secrets());
  }

  async function deleteImage(repository: string, digest: string, _tags: readonly string[], signal?: AbortSignal): Promise<{ alreadyGone: boolean }> {
    const id = await versionId(repository, digest, signal);
    if (id === undefined) return { alreadyGone: true };
    const { prefix, name } = await packagePath(repository, signal);
    const res = await sender.send(`${prefix}/packages/container/${name}/versions/${id}`, { method: 'DELETE', signal, retry: false });
    if (res.status === 404) {
      ids.delete(idKey(repository, digest));
      return { alreadyGone: true };
    }
    if (res.status !== 204 && res.status !== 200) throw refused({ what: `delete ${repository}@${digest}`, scope: 'delete:packages' })(res);
    ids.delete(idKey(repository, digest));
    return { alreadyGone: false };
  }

  return {
    name: 'ghcr',
    ownRepositoryList: true,
    noUntag: GHCR_NO_UNTAG,
    undoNote: () => GHCR_UNDO_NOTE,
    listRepositories,
    listManifests: async (repository, signal) => (await versions(repository, signal)).map(manifestOf),
    listTagDetails: async (repository, signal) => (await versions(repository, signal)).flatMap(tagsOf),
    listTagsAndManifests: async (repository, signal) => {
      const all = await versions(repository, signal);
      return { tags: all.flatMap(tagsOf), manifests: all.map(manifestOf) };
    },
    deleteImage,
    undoRef,
    restoreDeleted,
    quota: () => lastQuota,
  };
}
