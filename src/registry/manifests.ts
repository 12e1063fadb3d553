// Reading manifests and blobs: a tag's digest (HEAD with the full Accept list), many digests at once over reused
// connections, a manifest's bytes checked against its digest, a blob, an image's created date.
import { mapLimit } from './concurrency';
import { isRegistryError, RegistryError } from './errors';
import { digestMatches, parseManifest, sha256Digest } from './manifest';
import { DOCKER_SCHEMA1_SIGNED, MANIFEST_ACCEPT } from './mediatypes';
import { isDigest, validateDigest, validateRepository, validateTag } from './reference';
import type { Session } from './session';
import { refText, statusError } from './status';
import { header, type HttpResponse } from './transport';
import type { BatchOptions, DigestInfo, ManifestInfo } from './types';

const ACCEPT = MANIFEST_ACCEPT.join(', ');
const MAX_MANIFEST = 4 * 1024 * 1024;
const MAX_BLOB = 64 * 1024 * 1024;

export interface ManifestReader {
  resolve(repository: string, ref: string, signal?: AbortSignal): Promise<DigestInfo>;
  resolveMany(repository: string, tags: string[], options?: BatchOptions): Promise<Map<string, DigestInfo | Error>>;
  getManifest(repository: string, ref: string, signal?: AbortSignal): Promise<ManifestInfo>;
  getBlob(repository: string, digest: string, signal?: AbortSignal): Promise<Uint8Array>;
  getCreated(repository: string, manifest: ManifestInfo, signal?: AbortSignal): Promise<Date | undefined>;
}

export function checkRef(repository: string, ref: string): void {
  validateRepository(repository);
  if (ref.includes(':')) validateDigest(ref);
  else validateTag(ref);
}

function contentType(res: HttpResponse): string | undefined {
  return header(res, 'content-type')?.split(';')[0].trim();
}

const pullScope = (repository: string): string => `repository:${repository}:pull`;

export function createManifestReader(session: Session): ManifestReader {
  const { host } = session;
  const fail = (res: HttpResponse, op: Parameters<typeof statusError>[1]): RegistryError => statusError(res, op, host, session.secrets());

  async function resolve(repository: string, ref: string, signal?: AbortSignal): Promise<DigestInfo> {
    checkRef(repository, ref);
    const res = await session.send(`/v2/${repository}/manifests/${ref}`, { method: 'HEAD', headers: { accept: ACCEPT }, scope: pullScope(repository), signal });
    if (res.status !== 200) throw fail(res, { verb: 'resolve', repository, ref });
    const digest = header(res, 'docker-content-digest');
    if (!digest || !isDigest(digest)) {
      const m = await getManifest(repository, ref, signal);
      return { digest: m.digest, mediaType: m.mediaType, size: m.raw.length, verified: m.verified };
    }
    if (isDigest(ref) && digest !== ref) {
      throw new RegistryError('DIGEST_MISMATCH', `${host} answered ${repository}@${ref} with another digest (${digest})`, {
        fix: 'The registry’s digests cannot be trusted; nothing was done.',
      });
    }
    const length = Number(header(res, 'content-length'));
    return { digest, mediaType: contentType(res), size: Number.isFinite(length) && length > 0 ? length : undefined };
  }

  async function resolveMany(repository: string, tags: string[], opts: BatchOptions = {}): Promise<Map<string, DigestInfo | Error>> {
    validateRepository(repository);
    const out = new Map<string, DigestInfo | Error>();
    await mapLimit(
      tags,
      opts.concurrency ?? session.concurrency,
      async (tag) => {
        let result: DigestInfo | Error;
        try {
          result = await resolve(repository, tag, opts.signal);
        } catch (e) {
          if (isRegistryError(e, 'CANCELLED')) throw e;
          result = e instanceof Error ? e : new Error(String(e));
        }
        out.set(tag, result);
        opts.onResult?.(tag, result);
      },
      opts.signal,
    );
    return out;
  }

  async function getManifest(repository: string, ref: string, signal?: AbortSignal): Promise<ManifestInfo> {
    checkRef(repository, ref);
    const res = await session.send(`/v2/${repository}/manifests/${ref}`, {
      method: 'GET',
      headers: { accept: ACCEPT },
      scope: pullScope(repository),
      signal,
      maxBody: MAX_MANIFEST,
    });
    if (res.status !== 200) throw fail(res, { verb: 'read-manifest', repository, ref });
    const mediaType = contentType(res);
    const announced = header(res, 'docker-content-digest');
    const mismatch = (what: string): RegistryError =>
      new RegistryError('DIGEST_MISMATCH', `the manifest ${host} sent for ${refText(repository, ref)} does not match ${what}`, {
        fix: 'Something between you and the registry changed the reply, or the registry is corrupt. Nothing was done.',
      });
    // Signed schema1 manifests are hashed without their signatures: their bytes cannot be checked this way.
    const checkable = mediaType !== DOCKER_SCHEMA1_SIGNED;
    if (checkable && announced && isDigest(announced) && !digestMatches(res.body, announced)) throw mismatch(`the digest it announced (${announced})`);
    if (checkable && isDigest(ref) && !digestMatches(res.body, ref)) throw mismatch('that digest');
    const digest = isDigest(ref) ? ref : announced && isDigest(announced) ? announced : sha256Digest(res.body);
    const info = parseManifest(res.body, digest, mediaType, refText(repository, ref));
    if (checkable) info.verified = true;
    return info;
  }

  async function getBlob(repository: string, digest: string, signal?: AbortSignal): Promise<Uint8Array> {
    validateRepository(repository);
    validateDigest(digest);
    const res = await session.send(`/v2/${repository}/blobs/${digest}`, { method: 'GET', scope: pullScope(repository), signal, maxBody: MAX_BLOB });
    if (res.status !== 200) throw fail(res, { verb: 'read-blob', repository, ref: digest });
    if (!digestMatches(res.body, digest)) throw new RegistryError('DIGEST_MISMATCH', `the blob ${host} sent for ${repository}@${digest} does not match its digest`);
    return res.body;
  }

  /** The image config's `created`, else the manifest's `org.opencontainers.image.created` annotation (an index too). */
  async function getCreated(repository: string, manifest: ManifestInfo, signal?: AbortSignal): Promise<Date | undefined> {
    const annotated = dateOf(manifest.annotations?.[CREATED_ANNOTATION]);
    if (manifest.kind !== 'image' || !manifest.configDigest) return annotated;
    const blob = await getBlob(repository, manifest.configDigest, signal);
    try {
      return dateOf(JSON.parse(Buffer.from(blob).toString('utf8')).created) ?? annotated;
    } catch {
      return annotated;
    }
  }

  return { resolve, resolveMany, getManifest, getBlob, getCreated };
}

const CREATED_ANNOTATION = 'org.opencontainers.image.created';

function dateOf(value: unknown): Date | undefined {
  const date = typeof value === 'string' ? new Date(value) : undefined;
  return date && !Number.isNaN(date.getTime()) ? date : undefined;
}
