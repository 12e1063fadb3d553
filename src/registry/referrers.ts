// Finding what refers to an image (signatures, SBOMs, attestations), as the OCI distribution spec 1.1 says:
//  - the referrers API, `GET /v2/<name>/referrers/<digest>`: an image index of descriptors, paged by `Link`
//    (followed on the registry's own origin only), optionally filtered by `artifactType` — filtered here too when
//    the answer lacks `OCI-Filters-Applied: artifactType`, since a registry may ignore the filter;
//  - where that answers 404 (the API is missing; remembered for the client's life, so it is asked once), the
//    referrers tag schema: the index under the tag `sha256-<hex>`;
//  - and cosign's tags `sha256-<hex>.sig/.att/.sbom`, which cosign writes whether or not the registry has the API.
// Reading only: deciding what goes with an image is src/ops's business.
import { isGone, isRegistryError, RegistryError } from './errors';
import { nextLink } from './link';
import type { ManifestReader } from './manifests';
import { OCI_INDEX, referrerKind } from './mediatypes';
import { cosignTagsOf, referrersTagOf, referrerTagSubject } from './referrer-tags';
import { isDigest, validateDigest, validateRepository } from './reference';
import type { Session } from './session';
import { statusError } from './status';
import { header, type HttpResponse } from './transport';
import type { ManifestInfo, Referrer, ReferrerSource, ReferrersOptions } from './types';

const MAX_PAGES = 100;
const MAX_BODY = 16 * 1024 * 1024;

export interface ReferrerReader {
  listReferrers(repository: string, digest: string, options?: ReferrersOptions): Promise<Referrer[]>;
  referrersFromApi(repository: string, digest: string, options?: ReferrersOptions): Promise<Referrer[] | undefined>;
}

interface Descriptor {
  mediaType?: unknown;
  digest?: unknown;
  size?: unknown;
  artifactType?: unknown;
  annotations?: unknown;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

function annotationsOf(v: unknown): Record<string, string> | undefined {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const entries = Object.entries(v as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string');
  return entries.length ? Object.fromEntries(entries) : undefined;
}

/** The referrers an image index lists (the API's answer, or the tag schema's index), as plain data. */
export function referrersInIndex(index: unknown, subject: string, foundBy: ReferrerSource, tag?: string): Referrer[] {
  const manifests = index && typeof index === 'object' ? (index as { manifests?: unknown }).manifests : undefined;
  if (!Array.isArray(manifests)) return [];
  return (manifests as Descriptor[])
    .filter((d) => d && typeof d.digest === 'string' && isDigest(d.digest))
    .map((d) => {
      const artifactType = text(d.artifactType);
      const annotations = annotationsOf(d.annotations);
      return {
        digest: d.digest as string,
        subject,
        ...(text(d.mediaType) ? { mediaType: text(d.mediaType) } : {}),
        ...(artifactType ? { artifactType } : {}),
        kind: referrerKind(artifactType, undefined, annotations),
        ...(typeof d.size === 'number' && d.size >= 0 ? { size: d.size } : {}),
        ...(annotations ? { annotations } : {}),
        foundBy,
        ...(tag ? { tag } : {}),
      };
    });
}

/** A manifest read through one of cosign's tags, as a referrer of `subject`. */
function cosignReferrer(m: ManifestInfo, subject: string, tag: string): Referrer {
  const config = m.json.config as { mediaType?: unknown } | undefined;
  // As the referrers API would give it: the manifest's artifactType, else its config's media type.
  const artifactType = text(m.json.artifactType) ?? text(config?.mediaType);
  const suffix = tag.slice(tag.lastIndexOf('.') + 1);
  return {
    digest: m.digest,
    subject,
    mediaType: m.mediaType,
    ...(artifactType ? { artifactType } : {}),
    kind: referrerKind(artifactType, suffix, m.annotations),
    size: m.raw.length,
    ...(m.annotations ? { annotations: m.annotations } : {}),
    foundBy: 'cosign-tag',
    tag,
  };
}

/** Each referrer once, by digest: the first way it was found wins. */
export function uniqueReferrers(referrers: Iterable<Referrer>): Referrer[] {
  const out = new Map<string, Referrer>();
  for (const r of referrers) if (!out.has(r.digest)) out.set(r.digest, r);
  return [...out.values()];
}

function filtersApplied(res: HttpResponse): string[] {
  return (header(res, 'oci-filters-applied') ?? '').split(',').map((f) => f.trim().toLowerCase());
}

function errorCode(res: HttpResponse): string | undefined {
  try {
    const code = JSON.parse(res.body.toString('utf8'))?.errors?.[0]?.code;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}

export function createReferrerReader(session: Session, reader: ManifestReader): ReferrerReader {
  const { host, logger } = session;
  /** Whether the registry has the referrers API: unknown until its first answer; a 404 is remembered. */
  let hasApi: boolean | undefined;
  let firstAsk: Promise<unknown> | undefined;

  function badAnswer(repository: string, digest: string, why: string): RegistryError {
    return new RegistryError('BAD_RESPONSE', `${host} ${why} when asked what refers to ${repository}@${digest}`, { fix: 'The registry’s referrers API misbehaves; report it to its operator.' });
  }

  /** The next page's URL on the registry's own origin (a proxy may write its internal host into Link), or a refusal. */
  function ownOrigin(next: string, pageUrl: string, repository: string, digest: string): string {
    const target = new URL(next);
    const own = new URL(pageUrl);
    if (target.origin === own.origin) return next;
    if (target.pathname !== own.pathname) throw badAnswer(repository, digest, `sent a next-page link to another host (${target.host})`);
    return new URL(target.pathname + target.search, own.origin).toString();
  }

  async function readApi(repository: string, digest: string, opts: ReferrersOptions): Promise<Referrer[] | undefined> {
    const query = opts.artifactType ? `?artifactType=${encodeURIComponent(opts.artifactType)}` : '';
    let url = `${await session.baseUrl(opts.signal)}/v2/${repository}/referrers/${digest}${query}`;
    const seen = new Set<string>();
    const out: Referrer[] = [];
    for (let page = 0; ; page++) {
      if (page >= MAX_PAGES) throw badAnswer(repository, digest, `kept sending more pages after ${MAX_PAGES}`);
      seen.add(url);
      const res = await session.send(url, { method: 'GET', headers: { accept: OCI_INDEX }, scope: `repository:${repository}:pull`, signal: opts.signal, maxBody: MAX_BODY });
      if (res.status === 404 && page === 0) {
        // A registry with the API answers 200 for any repository it has; NAME_UNKNOWN is about the repository.
        if (errorCode(res) !== 'NAME_UNKNOWN') {
          if (hasApi === undefined) logger?.debug(`${host}: no referrers API (404); using the referrers tag schema and cosign's tags`);
          hasApi = false;
        }
        return undefined;
      }
      if (res.status !== 200) throw statusError(res, { verb: 'list-referrers', repository, ref: digest }, host, session.secrets());
      hasApi = true;
      let index: unknown;
      try {
        index = JSON.parse(res.body.toString('utf8'));
      } catch {
        throw badAnswer(repository, digest, 'answered with a body that is not JSON');
      }
      if (!index || typeof index !== 'object' || !Array.isArray((index as { manifests?: unknown }).manifests)) throw badAnswer(repository, digest, 'answered without a list of manifests');
      const found = referrersInIndex(index, digest, 'api');
      const filtered = opts.artifactType && !filtersApplied(res).includes('artifacttype');
      out.push(...(filtered ? found.filter((r) => r.artifactType === opts.artifactType) : found));
      const link = nextLink(res.headers.link, url);
      if (!link) return uniqueReferrers(out);
      url = ownOrigin(link, url, repository, digest);
      if (seen.has(url)) throw badAnswer(repository, digest, 'sent a next-page link it had sent before (a paging loop)');
    }
  }

  async function referrersFromApi(repository: string, digest: string, opts: ReferrersOptions = {}): Promise<Referrer[] | undefined> {
    validateRepository(repository);
    validateDigest(digest);
    // Asked once: while the first question is out, the others wait for its answer rather than each probing.
    if (hasApi === undefined && firstAsk) await firstAsk.catch(() => undefined);
    if (hasApi === false) return undefined;
    const asking = readApi(repository, digest, opts);
    if (hasApi === undefined) firstAsk = asking;
    return asking;
  }

  /** A manifest under a tag, or undefined when the tag does not exist (or, given the tag list, is not in it). */
  async function manifestUnder(repository: string, tag: string, opts: ReferrersOptions): Promise<ManifestInfo | undefined> {
    if (opts.tags && !opts.tags.includes(tag)) return undefined;
    try {
      return await reader.getManifest(repository, tag, opts.signal);
    } catch (e) {
      if (isGone(e) || isRegistryError(e, 'NOT_FOUND')) return undefined;
      throw e;
    }
  }

  async function fromTagSchema(repository: string, digest: string, opts: ReferrersOptions): Promise<Referrer[]> {
    const tag = referrersTagOf(digest);
    const m = await manifestUnder(repository, tag, opts);
    // Not a valid image index: the spec says to assume there are none.
    if (!m || m.kind !== 'index') return [];
    return referrersInIndex(m.json, digest, 'tag-schema', tag);
  }

  async function fromCosignTags(repository: string, digest: string, opts: ReferrersOptions): Promise<Referrer[]> {
    const found = await Promise.all(cosignTagsOf(digest).map(async (tag) => {
      const m = await manifestUnder(repository, tag, opts);
      return m && referrerTagSubject(tag) ? cosignReferrer(m, digest, tag) : undefined;
    }));
    return found.filter((r): r is Referrer => r !== undefined);
  }

  /**
   * The API's answer, else the tag schema's index. Given the tag list, the schema's index is read whenever its tag
   * exists, API or not: a client that wrote it before the registry had the API leaves referrers only it lists.
   */
  async function apiOrTagSchema(repository: string, digest: string, opts: ReferrersOptions): Promise<Referrer[]> {
    const api = await referrersFromApi(repository, digest, opts);
    if (api === undefined) return fromTagSchema(repository, digest, opts);
    const schemaTagListed = opts.tags?.includes(referrersTagOf(digest)) === true;
    return schemaTagListed ? [...api, ...(await fromTagSchema(repository, digest, opts))] : api;
  }

  async function listReferrers(repository: string, digest: string, opts: ReferrersOptions = {}): Promise<Referrer[]> {
    const [listed, cosign] = await Promise.all([apiOrTagSchema(repository, digest, opts), fromCosignTags(repository, digest, opts)]);
    const all = uniqueReferrers([...listed, ...cosign]);
    // The API filtered (or was filtered above); the tag schema's index and cosign's tags are filtered here.
    return opts.artifactType ? all.filter((r) => r.foundBy === 'api' || r.artifactType === opts.artifactType) : all;
  }

  return { listReferrers, referrersFromApi };
}
