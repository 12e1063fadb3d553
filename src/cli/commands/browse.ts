// regx repos, tags, digest, inspect: the commands that only read.
import { formatReference, formatSize, platformName, readTags, reviewDeletion, type TagDetail } from '../../engine';
import { has } from '../args';
import { concurrency, EXIT_FAILED, EXIT_OK, imageArg, registryArg, repositoryArg, withClient, type Context } from '../context';
import { listNames, printJson, progress, table } from '../output';

export function repos(ctx: Context): Promise<number> {
  return withClient(ctx, registryArg(ctx), async (client) => {
    const names = await client.listRepositories({ signal: ctx.io.interrupt });
    if (has(ctx.args, 'json')) printJson(ctx.io, names);
    else ctx.io.stdout(names.map((n) => `${n}\n`).join(''));
    return EXIT_OK;
  });
}

/** What the provider knows of a tag beside its name, for --json: push time, size, lock. */
function extras(d: TagDetail | undefined): Record<string, unknown> {
  if (!d) return {};
  return { ...(d.pushed ? { pushed: d.pushed.toISOString() } : {}), ...(d.size !== undefined ? { size: d.size } : {}), ...(d.locked ? { locked: true } : {}) };
}

export function tags(ctx: Context): Promise<number> {
  const ref = repositoryArg(ctx);
  const json = has(ctx.args, 'json');
  return withClient(ctx, ref, async (client) => {
    const provider = await client.provider(ctx.io.interrupt);
    if (!has(ctx.args, 'digests') && provider.listTagDetails) {
      // The provider lists every tag with what it knows in a few pages: the same cost as the names alone.
      const details = await provider.listTagDetails(ref.repository, ctx.io.interrupt);
      if (json) printJson(ctx.io, details.map((d) => ({ tag: d.tag, ...extras(d) })));
      else ctx.io.stdout(details.map((d) => `${d.tag}\n`).join(''));
      return EXIT_OK;
    }
    if (!has(ctx.args, 'digests')) {
      const listing = await client.browseTags(ref.repository, { signal: ctx.io.interrupt });
      if (json) printJson(ctx.io, listing.items.map((tag) => ({ tag })));
      else ctx.io.stdout(listing.items.map((n) => `${n}\n`).join(''));
      if (!listing.incomplete) return EXIT_OK;
      ctx.io.stderr(`regx: the tag list is incomplete: ${listing.incomplete.why}\n${listing.incomplete.fix}\n`);
      return EXIT_FAILED;
    }
    const { states, snapshot } = await readTags(client, ref.repository, { concurrency: concurrency(ctx), signal: ctx.io.interrupt, onProgress: progress(ctx.io, 'resolving digests') });
    const rows = states.map((s) => (s.digest ? { tag: s.tag, digest: s.digest, mediaType: s.mediaType, ...extras(snapshot.details?.get(s.tag)) } : { tag: s.tag, error: s.error ?? 'not resolved' }));
    if (json) printJson(ctx.io, rows);
    else ctx.io.stdout(table(rows.map((r) => [r.tag, 'digest' in r && r.digest ? r.digest : `error: ${(r as { error: string }).error}`])));
    const failed = rows.filter((r) => 'error' in r).length;
    if (failed) ctx.io.stderr(`regx: ${failed} tag(s) could not be resolved\n`);
    return failed ? EXIT_FAILED : EXIT_OK;
  });
}

export function digest(ctx: Context): Promise<number> {
  const ref = imageArg(ctx);
  return withClient(ctx, ref, async (client) => {
    // Read from the manifest's bytes, not only from a header: a registry announcing a wrong digest is caught here.
    const manifest = await client.getManifest(ref.repository, ref.target, ctx.io.interrupt);
    ctx.io.stdout(`${manifest.digest}\n`);
    return EXIT_OK;
  });
}

export function inspect(ctx: Context): Promise<number> {
  const ref = imageArg(ctx);
  return withClient(ctx, ref, async (client) => {
    const manifest = await client.getManifest(ref.repository, ref.target, ctx.io.interrupt);
    const [created, review] = await Promise.all([
      client.getCreated(ref.repository, manifest, ctx.io.interrupt).catch(() => undefined),
      reviewDeletion(client, ref.repository, [manifest.digest], { signal: ctx.io.interrupt, concurrency: concurrency(ctx) }),
    ]);
    const image = review.images[0];
    const platforms = manifest.platforms?.map(platformName);
    const provider = review.snapshot.provider ?? 'distribution';
    if (has(ctx.args, 'json')) {
      printJson(ctx.io, {
        reference: formatReference(ref),
        provider,
        digest: manifest.digest,
        mediaType: manifest.mediaType,
        kind: manifest.kind,
        platforms: manifest.platforms,
        size: manifest.totalSize,
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
    if (manifest.kind === 'image') rows.push(['Size:', manifest.totalSize === undefined ? 'unknown' : formatSize(manifest.totalSize)]);
    rows.push(['Created:', created?.toISOString() ?? 'unknown']);
    if (manifest.subject) rows.push(['Subject:', manifest.subject]);
    rows.push(['Tags:', `${listNames(image.tags)} (every tag on this digest)`]);
    for (const use of image.breaks) rows.push(['Part of:', `${ref.repository}:${use.tags[0] ?? use.index} (${use.platform})`]);
    ctx.io.stdout(table(rows));
    return EXIT_OK;
  });
}
