// Harbor's REST API (`/api/v2.0`): projects and repositories (the V2 catalog needs a system admin there), artifacts
// with their tags, push times, sizes, immutability and index references (untagged ones included), and untag.
// Harbor takes Basic on its API (a user or a robot account `robot$…`); no cookies are sent, so no CSRF token is needed.
import { RegistryError } from '../errors';
import type { Session } from '../session';
import { statusError, type Operation } from '../status';
import type { HttpResponse } from '../transport';
import type { Platform } from '../types';
import { allNumberedPages, dateOf, jsonBody } from './paging';
import type { Lock, ManifestDetail, Provider, TagDetail } from './types';

const API = '/api/v2.0';
const PAGE_SIZE = 100; // Harbor answers 422 above 100

const IMMUTABLE: Lock = {
  reason: 'immutable in Harbor (a tag immutability rule)',
  fix: 'A project admin can change the rule (Project → Policy → Tag Immutability) if it should go.',
};

/** `project` and the rest of `project/a/b`, the rest encoded twice as Harbor's paths want it (`a%252Fb`). */
function harborPath(repository: string): { project: string; repo: string } {
  const slash = repository.indexOf('/');
  if (slash < 0) throw new RegistryError('BAD_INPUT', `"${repository}" names no Harbor project`, { fix: 'Harbor repositories are project/name, e.g. library/nginx.' });
  return { project: encodeURIComponent(repository.slice(0, slash)), repo: encodeURIComponent(encodeURIComponent(repository.slice(slash + 1))) };
}

function objects(body: unknown, what: string, host: string): Record<string, unknown>[] {
  if (!Array.isArray(body)) throw new RegistryError('BAD_RESPONSE', `${host} sent ${what} that is not a list`);
  return body.filter((v): v is Record<string, unknown> => v !== null && typeof v === 'object');
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v ? v : undefined;
}

interface HarborTag {
  name?: unknown;
  push_time?: unknown;
  immutable?: unknown;
}

function childOf(ref: Record<string, unknown>): Platform | undefined {
  const digest = text(ref.child_digest);
  if (!digest) return undefined;
  const platform = (ref.platform ?? {}) as Record<string, unknown>;
  return { digest, os: text(platform.os) ?? 'unknown', architecture: text(platform.architecture) ?? 'unknown', variant: text(platform.variant) };
}

export function harborProvider(session: Session): Provider {
  const { host } = session;
  const refused = (op: Operation) => (res: HttpResponse): RegistryError => statusError(res, op, host, session.secrets());
  const request = (signal?: AbortSignal) => ({ login: 'basic' as const, signal });

  function artifact(repository: string, a: Record<string, unknown>): ManifestDetail {
    const digest = text(a.digest);
    if (!digest) throw new RegistryError('BAD_RESPONSE', `${host} listed an artifact of ${repository} without a digest`);
    const tags = Array.isArray(a.tags) ? (a.tags as HarborTag[]) : [];
    const children = Array.isArray(a.references) ? (a.references as Record<string, unknown>[]).map(childOf).filter((c): c is Platform => c !== undefined) : [];
    return {
      digest,
      tags: tags.map((t) => text(t.name)).filter((t): t is string => t !== undefined),
      mediaType: text(a.manifest_media_type) ?? text(a.media_type),
      size: typeof a.size === 'number' ? a.size : undefined,
      created: dateOf(a.push_time),
      ...(children.length ? { children } : {}),
      ...(tags.some((t) => t.immutable === true) ? { locked: IMMUTABLE } : {}),
    };
  }

  async function artifacts(repository: string, signal?: AbortSignal): Promise<{ detail: ManifestDetail; tags: HarborTag[] }[]> {
    const { project, repo } = harborPath(repository);
    return allNumberedPages(session, `${API}/projects/${project}/repositories/${repo}/artifacts?with_tag=true&with_immutable_status=true`, PAGE_SIZE, {
      request: request(signal),
      what: `the artifact list of ${repository}`,
      items: (res) => objects(jsonBody(res, 'an artifact list', host), 'an artifact list', host).map((a) => ({ detail: artifact(repository, a), tags: Array.isArray(a.tags) ? (a.tags as HarborTag[]) : [] })),
      refused: refused({ verb: 'list-tags', repository }),
    });
  }

  function tagDetails(all: { detail: ManifestDetail; tags: HarborTag[] }[]): TagDetail[] {
    return all.flatMap(({ detail, tags }) =>
      tags
        .filter((t) => text(t.name))
        .map((t) => ({ tag: t.name as string, digest: detail.digest, mediaType: detail.mediaType, size: detail.size, pushed: dateOf(t.push_time), ...(t.immutable === true ? { locked: IMMUTABLE } : {}) })),
    );
  }

  async function names(path: string, what: string, field: string, signal?: AbortSignal): Promise<string[]> {
    const rows = await allNumberedPages(session, path, PAGE_SIZE, {
      request: request(signal),
      what,
      items: (res) => objects(jsonBody(res, what, host), what, host),
      refused: refused({ verb: 'list-repositories' }),
    });
    return rows.map((r) => text(r[field])).filter((n): n is string => n !== undefined);
  }

  return {
    name: 'harbor',
    listRepositories: async (signal) => {
      const out: string[] = [];
      for (const project of await names(`${API}/projects`, `the projects of ${host}`, 'name', signal)) {
        out.push(...(await names(`${API}/projects/${encodeURIComponent(project)}/repositories`, `the repositories of project ${project}`, 'name', signal)));
      }
      return out.sort();
    },
    listManifests: async (repository, signal) => (await artifacts(repository, signal)).map((a) => a.detail),
    listTagDetails: async (repository, signal) => tagDetails(await artifacts(repository, signal)),
    listTagsAndManifests: async (repository, signal) => {
      const all = await artifacts(repository, signal);
      return { tags: tagDetails(all), manifests: all.map((a) => a.detail) };
    },
    untag: async (repository, tag, signal) => {
      const { project, repo } = harborPath(repository);
      const res = await session.send(`${API}/projects/${project}/repositories/${repo}/artifacts/${encodeURIComponent(tag)}/tags/${encodeURIComponent(tag)}`, { method: 'DELETE', login: 'basic', signal });
      if (res.status !== 200 && res.status !== 202 && res.status !== 204) throw refused({ verb: 'untag', repository, ref: tag })(res);
    },
  };
}
