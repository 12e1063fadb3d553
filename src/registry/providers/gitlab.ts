// GitLab's container registry: what the V2 protocol lacks there, from GitLab's two APIs.
// - Repositories: the projects the token is a member of (`GET /api/v4/projects`, keyset pages), and each one's
//   registry repositories (their `path` is the registry's repository name). The V2 catalog needs an admin there.
// - Tags with digest, push time, size and media type: the registry's own `gitlab/v1` tag list (registries with the
//   metadata database, as on GitLab.com: 1000 tags a page, on the registry with its /jwt/auth token); where it answers
//   404 (no metadata database), GitLab's REST API: the tag names, then each tag's details (its `created_at` is when
//   the image was built, from its config). Which of the two works is remembered per client.
// - Untag: `DELETE /api/v4/projects/:id/registry/repositories/:rid/tags/:tag`. Deleting an image stays the V2 DELETE.
// The REST API takes the registry login's password as a PRIVATE-TOKEN (personal, project or group access token with
// `read_api`, or `api` to untag), or as a JOB-TOKEN when the user is `gitlab-ci-token` (gitlab-api.ts).
import { mapLimit } from '../concurrency';
import { isRegistryError, RegistryError } from '../errors';
import type { Session } from '../session';
import { statusError } from '../status';
import type { HttpResponse } from '../transport';
import { createGitlabApi, type GitlabOp } from './gitlab-api';
import { allLinkedPages, dateOf, jsonBody } from './paging';
import type { Provider, TagDetail } from './types';

const V1_PAGE = 1000; // the most gitlab/v1 gives in one page
const API_PAGE = 100; // the most GitLab's REST API gives in one page

/** Where GitLab keeps a registry repository: its project and its own id. */
interface RepositoryIds {
  project: number;
  repository: number;
}

type Row = Record<string, unknown>;

function rows(body: unknown, what: string, host: string): Row[] {
  if (!Array.isArray(body)) throw new RegistryError('BAD_RESPONSE', `GitLab at ${host} sent ${what} that is not a list`);
  return body.filter((v): v is Row => v !== null && typeof v === 'object');
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v ? v : undefined;
}

function count(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;
}

/** A project whose container registry is turned off lists nothing; both the old and the new field say so. */
function registryOn(p: Row): boolean {
  return p.container_registry_enabled !== false && p.container_registry_access_level !== 'disabled';
}

/** `group/sub/project/image` → `group/sub/project/image`, `group/sub/project`, `group/sub`: where its project may be. */
function projectCandidates(repository: string): string[] {
  const parts = repository.split('/');
  const out: string[] = [];
  for (let n = parts.length; n >= 2; n--) out.push(parts.slice(0, n).join('/'));
  return out;
}

/** gitlab/v1 answered 404 on its first page: the metadata database may be off (or the repository unknown). */
class NoTagListHere extends RegistryError {}

export function gitlabProvider(session: Session): Provider {
  const { host } = session;
  const api = createGitlabApi(session);
  const ids = new Map<string, RepositoryIds>();
  let tagSource: 'v1' | 'api' | undefined;

  function learn(project: number, repos: Row[]): string[] {
    const paths: string[] = [];
    for (const r of repos) {
      const path = text(r.path);
      const id = count(r.id);
      if (!path || id === undefined) continue;
      ids.set(path, { project: count(r.project_id) ?? project, repository: id });
      paths.push(path);
    }
    return paths;
  }

  async function projectRepositories(project: number | string, label: string, signal?: AbortSignal): Promise<Row[]> {
    const op: GitlabOp = { action: `list the registry repositories of the project ${label}`, what: `the project ${label}` };
    const id = typeof project === 'number' ? String(project) : encodeURIComponent(project);
    return api.pages(`/projects/${id}/registry/repositories?per_page=${API_PAGE}`, op, (b) => rows(b, 'a repository list', host), signal);
  }

  async function listRepositories(signal?: AbortSignal): Promise<string[]> {
    if (await api.isJobToken()) {
      throw new RegistryError('NOT_SUPPORTED', `a CI job token cannot list the projects of GitLab, so the repositories of ${host} cannot be listed with it`, {
        fix: 'Name the repository (in CI, $CI_REGISTRY_IMAGE), or log in with an access token that has the read_api scope.',
      });
    }
    const op: GitlabOp = { action: 'list the projects you are a member of' };
    const first = `/projects?membership=true&pagination=keyset&order_by=id&sort=asc&per_page=${API_PAGE}`;
    const projects = (await api.pages(first, op, (b) => rows(b, 'a project list', host), signal)).filter(registryOn);
    const lists = await mapLimit(
      projects.filter((p) => count(p.id) !== undefined),
      session.concurrency,
      async (p) => {
        const label = text(p.path_with_namespace) ?? String(p.id);
        try {
          return learn(p.id as number, await projectRepositories(p.id as number, label, signal));
        } catch (e) {
          // A registry this login may not see (turned off, or private to higher roles) holds nothing it could list.
          if (isRegistryError(e, 'NOT_FOUND') || isRegistryError(e, 'FORBIDDEN')) return [];
          throw e;
        }
      },
      signal,
    );
    return [...new Set(lists.flat())].sort();
  }

  /** The project and id of `repository`: from its project's list, found by the longest path that is a project. */
  async function repositoryIds(repository: string, signal?: AbortSignal): Promise<RepositoryIds> {
    const known = ids.get(repository);
    if (known) return known;
    for (const candidate of projectCandidates(repository)) {
      let repos: Row[];
      try {
        repos = await projectRepositories(candidate, candidate, signal);
      } catch (e) {
        if (isRegistryError(e, 'NOT_FOUND')) continue;
        throw e;
      }
      learn(0, repos);
      const found = ids.get(repository);
      if (found) return found;
      break;
    }
    throw new RegistryError('NOT_FOUND', `the repository ${repository} does not exist on ${host} (GitLab lists no such registry repository)`, {
      fix: 'Check the repository name (group/project or group/project/image), and that the token can see its project.',
    });
  }

  function v1Tag(repository: string, t: Row): TagDetail {
    const tag = text(t.name);
    const digest = text(t.digest);
    if (!tag || !digest) throw new RegistryError('BAD_RESPONSE', `${host} listed a tag of ${repository} without a name or digest`);
    return {
      tag,
      digest,
      mediaType: text(t.media_type),
      pushed: dateOf(t.published_at) ?? dateOf(t.updated_at) ?? dateOf(t.created_at),
      size: count(t.size_bytes),
    };
  }

  /** The registry's own tag list, or undefined where it has none (no metadata database). */
  async function tagsFromRegistry(repository: string, signal?: AbortSignal): Promise<TagDetail[] | undefined> {
    const request = { scope: `repository:${repository}:pull`, signal };
    let firstPage = true;
    try {
      return await allLinkedPages(session, `/gitlab/v1/repositories/${repository}/tags/list/?n=${V1_PAGE}`, {
        request,
        what: `the tag list of ${repository}`,
        items: (res: HttpResponse) => {
          firstPage = false;
          return rows(jsonBody(res, 'a tag list', host), 'a tag list', host).map((t) => v1Tag(repository, t));
        },
        refused: (res: HttpResponse) =>
          res.status === 404 && firstPage ? new NoTagListHere('NOT_FOUND', 'no gitlab/v1 tag list') : statusError(res, { verb: 'list-tags', repository }, host, session.secrets()),
      });
    } catch (e) {
      if (!(e instanceof NoTagListHere)) throw e;
    }
    // 404 means "no such repository" too: the API's root tells the two apart (200 only with the metadata database).
    const root = await session.send('/gitlab/v1/', { method: 'GET', ...request });
    if (root.status === 200) throw new RegistryError('NOT_FOUND', `the repository ${repository} does not exist on ${host}`, { status: 404, fix: 'Check the repository name.' });
    return undefined;
  }

  /** GitLab's REST API: the names, then each tag's details (a tag deleted meanwhile is left out). */
  async function tagsFromApi(repository: string, signal?: AbortSignal): Promise<TagDetail[]> {
    const { project, repository: rid } = await repositoryIds(repository, signal);
    const base = `/projects/${project}/registry/repositories/${rid}/tags`;
    const op: GitlabOp = { action: `list the tags of ${repository}`, what: `the repository ${repository}` };
    const names = (await api.pages(`${base}?per_page=${API_PAGE}`, op, (b) => rows(b, 'a tag list', host), signal)).map((t) => text(t.name)).filter((n): n is string => n !== undefined);
    const details = await mapLimit(
      names,
      session.concurrency,
      async (tag): Promise<TagDetail | undefined> => {
        let t: Row;
        try {
          t = (await api.json(`${base}/${encodeURIComponent(tag)}`, { action: `read the tag ${repository}:${tag}`, what: `the tag ${repository}:${tag}` }, signal)) as Row;
        } catch (e) {
          if (isRegistryError(e, 'NOT_FOUND')) return undefined;
          throw e;
        }
        const digest = text(t?.digest);
        if (!digest) throw new RegistryError('BAD_RESPONSE', `GitLab sent the tag ${repository}:${tag} without a digest`);
        return { tag, digest, pushed: dateOf(t.created_at), size: count(t.total_size) };
      },
      signal,
    );
    return details.filter((d): d is TagDetail => d !== undefined);
  }

  return {
    name: 'gitlab',
    ownRepositoryList: true,
    listRepositories,
    listTagDetails: async (repository, signal) => {
      if (tagSource !== 'api') {
        const fromRegistry = await tagsFromRegistry(repository, signal);
        if (fromRegistry) {
          tagSource = 'v1';
          return fromRegistry;
        }
        session.logger?.debug(`${host}: no gitlab/v1 tag list (no metadata database); tags come from GitLab's API`);
        tagSource = 'api';
      }
      return tagsFromApi(repository, signal);
    },
    untag: async (repository, tag, signal) => {
      const { project, repository: rid } = await repositoryIds(repository, signal);
      const op: GitlabOp = { action: `untag ${repository}:${tag}`, what: `the tag ${repository}:${tag}`, write: true };
      await api.remove(`/projects/${project}/registry/repositories/${rid}/tags/${encodeURIComponent(tag)}`, op, signal);
    },
    quota: () => api.quota(),
  };
}
