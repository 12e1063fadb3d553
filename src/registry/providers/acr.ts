// Azure Container Registry's data-plane metadata API (`/acr/v1`, api-version 2021-07-01): repositories, tags with
// their digests, update times and locks, every manifest (untagged included) with size and platform, and untag.
// Authorised like the registry itself (the same token service), with the `metadata_read` action for reads.
import { RegistryError } from '../errors';
import type { Session } from '../session';
import { statusError, type Operation } from '../status';
import type { HttpResponse } from '../transport';
import { allLinkedPages, dateOf, jsonBody } from './paging';
import type { Lock, ManifestDetail, Provider, TagDetail } from './types';

const PAGE = 1000;

interface Attributes {
  deleteEnabled?: boolean;
  writeEnabled?: boolean;
}

/** `myreg` of `myreg.azurecr.io`, as the az CLI takes it. */
function registryName(host: string): string {
  return host.replace(/\.azurecr\.(io|cn|us)(:\d+)?$/, '');
}

function lockOf(attrs: Attributes | undefined, host: string, image: string): Lock | undefined {
  if (!attrs || (attrs.deleteEnabled !== false && attrs.writeEnabled !== false)) return undefined;
  const what = [attrs.deleteEnabled === false ? 'delete' : '', attrs.writeEnabled === false ? 'write' : ''].filter(Boolean).join(' and ');
  return {
    reason: `locked in ACR (${what} disabled)`,
    fix: `az acr repository update --name ${registryName(host)} --image ${image} --delete-enabled true --write-enabled true`,
  };
}

function list(body: unknown, field: string, what: string, host: string): Record<string, unknown>[] {
  const value = body && typeof body === 'object' ? (body as Record<string, unknown>)[field] : undefined;
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new RegistryError('BAD_RESPONSE', `${host} sent ${what} without a "${field}" list`);
  return value.filter((v): v is Record<string, unknown> => v !== null && typeof v === 'object');
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v ? v : undefined;
}

export function acrProvider(session: Session): Provider {
  const { host } = session;
  const refused = (op: Operation) => (res: HttpResponse): RegistryError => statusError(res, op, host, session.secrets());
  const metadata = (repository: string, signal?: AbortSignal) => ({ scope: `repository:${repository}:metadata_read`, signal });

  function tagDetail(repository: string, t: Record<string, unknown>): TagDetail {
    const tag = text(t.name);
    const digest = text(t.digest);
    if (!tag || !digest) throw new RegistryError('BAD_RESPONSE', `${host} listed a tag of ${repository} without a name or digest`);
    return { tag, digest, pushed: dateOf(t.lastUpdateTime) ?? dateOf(t.createdTime), locked: lockOf(t.changeableAttributes as Attributes, host, `${repository}:${tag}`) };
  }

  function manifestDetail(repository: string, m: Record<string, unknown>): ManifestDetail {
    const digest = text(m.digest);
    if (!digest) throw new RegistryError('BAD_RESPONSE', `${host} listed a manifest of ${repository} without a digest`);
    const tags = Array.isArray(m.tags) ? m.tags.filter((x): x is string => typeof x === 'string') : [];
    const platform = text(m.os) && text(m.architecture) ? `${m.os}/${m.architecture}` : undefined;
    return {
      digest,
      tags,
      mediaType: text(m.mediaType),
      size: typeof m.imageSize === 'number' ? m.imageSize : undefined,
      created: dateOf(m.createdTime),
      platform,
      locked: lockOf(m.changeableAttributes as Attributes, host, `${repository}@${digest}`),
    };
  }

  return {
    name: 'acr',
    listRepositories: (signal) =>
      allLinkedPages(session, `/acr/v1/_catalog?n=${PAGE}`, {
        request: { scope: 'registry:catalog:*', signal },
        what: `the repository list of ${host}`,
        items: (res) => {
          const body = jsonBody(res, 'a repository list', host) as { repositories?: unknown };
          if (body.repositories !== undefined && body.repositories !== null && !Array.isArray(body.repositories)) throw new RegistryError('BAD_RESPONSE', `${host} sent a repository list without a list in it`);
          return ((body.repositories as unknown[] | null) ?? []).filter((r): r is string => typeof r === 'string');
        },
        refused: refused({ verb: 'list-repositories' }),
      }),
    listTagDetails: (repository, signal) =>
      allLinkedPages(session, `/acr/v1/${repository}/_tags?n=${PAGE}`, {
        request: metadata(repository, signal),
        what: `the tag list of ${repository}`,
        items: (res) => list(jsonBody(res, 'a tag list', host), 'tags', 'a tag list', host).map((t) => tagDetail(repository, t)),
        refused: refused({ verb: 'list-tags', repository }),
      }),
    listManifests: (repository, signal) =>
      allLinkedPages(session, `/acr/v1/${repository}/_manifests?n=${PAGE}`, {
        request: metadata(repository, signal),
        what: `the manifest list of ${repository}`,
        items: (res) => list(jsonBody(res, 'a manifest list', host), 'manifests', 'a manifest list', host).map((m) => manifestDetail(repository, m)),
        refused: refused({ verb: 'list-tags', repository }),
      }),
    untag: async (repository, tag, signal) => {
      const res = await session.send(`/acr/v1/${repository}/_tags/${tag}`, { method: 'DELETE', scope: `repository:${repository}:delete`, signal });
      if (res.status !== 202 && res.status !== 200 && res.status !== 204) throw refused({ verb: 'untag', repository, ref: tag })(res);
    },
  };
}
