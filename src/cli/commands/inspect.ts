// regx inspect: one image — its kind, platforms, created date, every tag on its digest, the multi-arch images it is
// part of, its size (every blob of it once, its manifests included) and how much of that is its own in the
// repository: what deleting that digest alone would free, the blobs no other manifest of the repository uses.
import { formatReference, formatSize, platformName, reviewDeletion, totalSize, type FreedCount, type FreedSpace, type ManifestInfo } from '../../engine';
import { has } from '../args';
import { concurrency, EXIT_OK, imageArg, withClient, type Context } from '../context';
import { listNames, printJson, table } from '../output';

interface Sizes {
  /** Every blob of the image once, manifests included; undefined when unknown. */
  size?: number;
  /** What deleting the digest alone frees; undefined when the repository was not read. */
  unique?: FreedCount;
  /** Manifests of the image that could not be read: the figures are then "at least". */
  unread: string[];
  /** Why nothing was read beyond the manifest (Docker Hub). */
  notRead?: string;
}

function sizes(manifest: ManifestInfo, freed: FreedSpace | undefined): Sizes {
  if (!freed || freed.notRead) {
    // Only the manifest itself was read: an image's size is in it; an index's is in its platform images.
    const size = manifest.kind === 'image' && manifest.totalSize !== undefined ? manifest.totalSize + manifest.raw.length : undefined;
    return { size, unread: [], notRead: freed?.notRead };
  }
  const total = totalSize(freed.graph, [manifest.digest]);
  const unread = [...new Set([...total.unknown, ...freed.unknown])].sort();
  return { size: unread.includes(manifest.digest) ? undefined : total.bytes, unique: freed, unread };
}

function sizeText(s: Sizes): string {
  if (s.size === undefined) return 'unknown';
  return `${s.unread.length ? 'at least ' : ''}${formatSize(s.size)} (every layer, config and manifest once)`;
}

function uniqueText(s: Sizes, repository: string): string {
  if (!s.unique) return `not counted${s.notRead ? `: ${s.notRead}` : ''}`;
  return `${s.unread.length ? 'at least ' : ''}${formatSize(s.unique.bytes)} used by nothing else in ${repository} (what deleting this digest alone frees)`;
}

export function inspect(ctx: Context): Promise<number> {
  const ref = imageArg(ctx);
  return withClient(ctx, ref, async (client) => {
    const manifest = await client.getManifest(ref.repository, ref.target, ctx.io.interrupt);
    const [created, review] = await Promise.all([
      client.getCreated(ref.repository, manifest, ctx.io.interrupt).catch(() => undefined),
      reviewDeletion(client, ref.repository, [manifest.digest], { signal: ctx.io.interrupt, concurrency: concurrency(ctx), withFreed: true }),
    ]);
    const image = review.images[0];
    const platforms = manifest.platforms?.map(platformName);
    const provider = review.snapshot.provider ?? 'distribution';
    const s = sizes(manifest, review.freed);
    if (has(ctx.args, 'json')) {
      printJson(ctx.io, {
        reference: formatReference(ref),
        provider,
        digest: manifest.digest,
        mediaType: manifest.mediaType,
        kind: manifest.kind,
        platforms: manifest.platforms,
        size: s.size,
        uniqueBytes: s.unique ? s.unique.bytes : null,
        ...(s.unread.length ? { unread: s.unread } : {}),
        created: created?.toISOString(),
        configDigest: manifest.configDigest,
        subject: manifest.subject,
        annotations: manifest.annotations,
        tags: image.tags,
        partOf: image.breaks,
      });
      return EXIT_OK;
    }
    const rows = [
      ['Reference:', formatReference(ref)],
      ['Provider:', provider],
      ['Digest:', manifest.digest],
      ['Media type:', manifest.mediaType],
      ['Kind:', manifest.kind === 'index' ? `multi-arch index (${platforms?.length ?? 0} platforms)` : manifest.kind],
    ];
    if (platforms) rows.push(['Platforms:', platforms.join(', ')]);
    rows.push(['Size:', sizeText(s)]);
    rows.push(['Unique:', uniqueText(s, ref.repository)]);
    rows.push(['Created:', created?.toISOString() ?? 'unknown']);
    if (manifest.subject) rows.push(['Subject:', manifest.subject]);
    rows.push(['Tags:', `${listNames(image.tags)} (every tag on this digest)`]);
    for (const use of image.breaks) rows.push(['Part of:', `${ref.repository}:${use.tags[0] ?? use.index} (${use.platform})`]);
    ctx.io.stdout(table(rows));
    return EXIT_OK;
  });
}
