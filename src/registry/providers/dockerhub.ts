// Docker Hub's own API (https://hub.docker.com, or the user's `apiUrl`): what its registry's V2 API cannot do — list
// the login's repositories (no `_catalog` there), list tags with their digests, push times and sizes in pages of 100,
// and untag (its V2 DELETE answers 405). Hub has no public API to delete an image by digest: deleting an image untags
// each of its tags, and Hub keeps the image data (deletionNote). Nothing here assumes the registry's host is
// docker.io: every request goes to the API's origin only (api.ts).
//
// Endpoints: POST /v2/auth/token (dockerhub-login.ts); GET /v2/namespaces/{ns}/repositories and
// GET /v2/namespaces/{ns}/repositories/{repo}/tags (in Hub's published API description, docker/docs
// content/reference/api/hub/latest.yaml, or noted from the live API); GET /v2/user/orgs/ and
// DELETE /v2/repositories/{ns}/{repo}/tags/{tag}/ are not in the published description: Docker's own hub-tool uses them.
import { isGone, RegistryError } from '../errors';
import type { Session } from '../session';
import { apiOrigin, createApiSession } from './api';
import { HUB, type QuotaMemory } from './dockerhub-errors';
import { createHubLogin } from './dockerhub-login';
import { allHubPages, createHubApi, HUB_PAGE_SIZE, type HubApi } from './dockerhub-pages';
import { dateOf } from './paging';
import type { Provider, RepositoryFacts, TagDetail } from './types';

export const DOCKER_HUB_API = 'https://hub.docker.com';

export const DOCKER_HUB_DELETION_NOTE = 'Docker Hub keeps the image data of an untagged image; its web interface (or its retention settings) manages it.';

/** Hub's delete untags: the image stays, so an undo only tags it again. */
export const DOCKER_HUB_UNDO_NOTE = 'On Docker Hub deleting an image removes every tag on it and keeps its data: an undo tags it again.';

/** `namespace` and `name` of a Hub repository, each encoded for a path; a bare name is an official image (`library/`). */
export function hubPath(repository: string): { ns: string; repo: string } {
  const parts = repository.split('/');
  if (parts.length === 1 && parts[0]) return { ns: 'library', repo: encodeURIComponent(parts[0]) };
  if (parts.length === 2 && parts[0] && parts[1]) return { ns: encodeURIComponent(parts[0]), repo: encodeURIComponent(parts[1]) };
  throw new RegistryError('BAD_INPUT', `"${repository}" is not a Docker Hub repository`, { fix: 'Docker Hub repositories are NAMESPACE/NAME, e.g. library/nginx or myname/app.' });
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v ? v : undefined;
}

/**
 * The tag's digest: the live API's top-level `digest`; else, in the published description's shape, the one image's
 * digest (`images` as one object, or a list of exactly one). A multi-platform tag without a top-level digest has no
 * knowable digest (its images are the platforms', not the index's): undefined.
 */
export function tagDigest(t: Record<string, unknown>): string | undefined {
  const top = text(t.digest);
  if (top) return top;
  const images = t.images;
  if (Array.isArray(images)) return images.length === 1 && images[0] && typeof images[0] === 'object' ? text((images[0] as Record<string, unknown>).digest) : undefined;
  return images && typeof images === 'object' ? text((images as Record<string, unknown>).digest) : undefined;
}

function tagDetail(repository: string, t: Record<string, unknown>): TagDetail {
  const tag = text(t.name);
  if (!tag) throw new RegistryError('BAD_RESPONSE', `${HUB} listed a tag of ${repository} without a name`);
  const digest = tagDigest(t);
  // Deletions need every tag's digest: a tag without one leaves the list incomplete rather than silently shorter.
  if (!digest) {
    throw new RegistryError('INCOMPLETE_LIST', `the tag list of ${repository} is incomplete: ${HUB} listed ${repository}:${tag} without its digest`, {
      fix: 'Nothing was changed, since the list is incomplete. Try again later; Docker Hub fills in the digest once the push is processed.',
    });
  }
  return {
    tag,
    digest,
    mediaType: text(t.media_type),
    pushed: dateOf(t.tag_last_pushed) ?? dateOf(t.last_updated),
    size: typeof t.full_size === 'number' && t.full_size >= 0 ? t.full_size : undefined,
  };
}

/** Namespaces the login belongs to besides its own: its organisations (hub-tool's GET /v2/user/orgs/). */
async function organisations(hub: HubApi, signal?: AbortSignal): Promise<string[]> {
  try {
    const orgs = await allHubPages(hub, `/v2/user/orgs/?page_size=${HUB_PAGE_SIZE}`, {
      what: 'the organisations of the login',
      op: { verb: 'list-repositories' },
      items: (rows) => rows.map((r) => text(r.orgname)).filter((n): n is string => n !== undefined),
      key: (name) => name,
      signal,
    });
    return orgs.map((o) => o.toLowerCase());
  } catch (e) {
    // An organisation access token logs in as the organisation itself, which belongs to no organisation (and the
    // endpoint is not in the published description): its own namespace is all there is.
    if (isGone(e) || (e instanceof RegistryError && e.code === 'FORBIDDEN')) return [];
    throw e;
  }
}

/** The repositories of a namespace, each with its pull count and last update (`facts` keeps those). */
async function repositoriesOf(hub: HubApi, ns: string, facts: Map<string, RepositoryFacts>, signal?: AbortSignal): Promise<string[]> {
  const rows = await allHubPages(hub, `/v2/namespaces/${encodeURIComponent(ns)}/repositories?page_size=${HUB_PAGE_SIZE}`, {
    what: `the repositories of ${ns}`,
    op: { verb: 'list-repositories' },
    items: (rows) => rows.flatMap((r) => {
      const name = text(r.name);
      return name ? [{ name: `${ns}/${name}`, pulls: typeof r.pull_count === 'number' ? r.pull_count : undefined, updated: dateOf(r.last_updated) }] : [];
    }),
    key: (r) => r.name,
    signal,
  });
  for (const r of rows) facts.set(r.name, { pulls: r.pulls, updated: r.updated });
  return rows.map((r) => r.name);
}

export function dockerHubProvider(session: Session): Provider {
  const api = createApiSession(session, apiOrigin(session, DOCKER_HUB_API));
  const quota: QuotaMemory = {};
  const login = createHubLogin(api, quota);
  const hub = createHubApi(api, login, quota);
  const facts = new Map<string, RepositoryFacts>();

  async function untag(repository: string, tag: string, signal?: AbortSignal): Promise<void> {
    const { ns, repo } = hubPath(repository);
    const { res, loggedIn } = await hub.call(`/v2/repositories/${ns}/${repo}/tags/${encodeURIComponent(tag)}/`, { method: 'DELETE', signal });
    if (res.status !== 204 && res.status !== 200 && res.status !== 202) throw hub.refused(res, { verb: 'untag', repository, ref: tag }, loggedIn);
  }

  return {
    name: 'dockerhub',
    ownRepositoryList: true,
    listRepositories: async (signal) => {
      const own = await login.namespace();
      if (!own) {
        throw new RegistryError('UNAUTHORIZED', `${HUB} lists repositories only to a logged-in user`, {
          need: 'login',
          fix: 'Log in with your Docker ID and a personal access token, or open a public repository by its name (e.g. library/nginx).',
        });
      }
      const out = new Set<string>();
      for (const ns of new Set([own, ...(await organisations(hub, signal))])) for (const name of await repositoriesOf(hub, ns, facts, signal)) out.add(name);
      return [...out].sort();
    },
    repositoryFacts: (repository) => facts.get(repository),
    listTagDetails: (repository, signal) => {
      const { ns, repo } = hubPath(repository);
      return allHubPages(hub, `/v2/namespaces/${ns}/repositories/${repo}/tags?page_size=${HUB_PAGE_SIZE}`, {
        what: `the tag list of ${repository}`,
        op: { verb: 'list-tags', repository },
        items: (rows) => rows.map((t) => tagDetail(repository, t)),
        key: (d) => d.tag,
        signal,
      });
    },
    untag,
    deleteImage: async (repository, digest, tags, signal) => {
      if (!tags.length) {
        throw new RegistryError('NOT_SUPPORTED', `${HUB} has no API to delete ${repository}@${digest}, which has no tags`, {
          fix: 'Docker Hub manages untagged image data itself; its web interface (or its retention settings) removes it.',
        });
      }
      let gone = 0;
      for (const tag of tags) {
        try {
          await untag(repository, tag, signal);
        } catch (e) {
          if (!isGone(e)) throw e;
          gone++;
        }
      }
      return { alreadyGone: gone === tags.length };
    },
    deletionNote: DOCKER_HUB_DELETION_NOTE,
    undoNote: () => DOCKER_HUB_UNDO_NOTE,
    quota: () => (quota.last ? { ...quota.last } : undefined),
  };
}
