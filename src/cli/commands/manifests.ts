// regx manifests: every manifest of a repository, untagged ones included (where the provider can list them), each
// with what still needs it; --untagged only those nothing tagged needs.
import { formatSize, readManifests, shortDigest, untaggedGarbage, type ManifestRow } from '../../engine';
import { has } from '../args';
import { concurrency, EXIT_OK, repositoryArg, withClient, type Context } from '../context';
import { listNames, printJson, table } from '../output';

function jsonRow(r: ManifestRow): Record<string, unknown> {
  return {
    digest: r.digest,
    tags: r.tags,
    mediaType: r.mediaType,
    ...(r.size !== undefined ? { size: r.size } : {}),
    ...(r.created ? { created: r.created.toISOString() } : {}),
    ...(r.platform ? { platform: r.platform } : {}),
    ...(r.childOf ? { childOf: r.childOf } : {}),
    ...(r.subject ? { subject: r.subject } : {}),
    ...(r.locked ? { locked: true, lock: r.locked } : {}),
    ...(r.neededBy ? { neededBy: r.neededBy } : {}),
  };
}

export function manifests(ctx: Context): Promise<number> {
  const ref = repositoryArg(ctx);
  return withClient(ctx, ref, async (client) => {
    const listing = await readManifests(client, ref.repository, { signal: ctx.io.interrupt, concurrency: concurrency(ctx) });
    const rows = has(ctx.args, 'untagged') ? untaggedGarbage(listing.rows) : listing.rows;
    if (has(ctx.args, 'json')) {
      printJson(ctx.io, rows.map(jsonRow));
      return EXIT_OK;
    }
    const note = (r: ManifestRow): string => [r.neededBy, r.locked?.reason].filter(Boolean).join('; ');
    ctx.io.stdout(
      table([
        ['DIGEST', 'TAGS', 'PLATFORM', 'SIZE', 'PUSHED', 'NOTE'],
        ...rows.map((r) => [shortDigest(r.digest), r.tags.length ? listNames(r.tags) : '(untagged)', r.platform ?? '-', r.size === undefined ? '-' : formatSize(r.size), r.created?.toISOString() ?? '-', note(r) || '-']),
      ]),
    );
    ctx.io.stdout(`${rows.length} manifest(s) via ${listing.snapshot.provider ?? 'V2'}.\n`);
    return EXIT_OK;
  });
}
