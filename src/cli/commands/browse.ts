// regx repos, tags, digest: the commands that only list (inspect.ts reads one image).
import { digestCache, mapLimit, readTags, type RegistryClient, type TagDetail } from '../../engine';
import { has } from '../args';
import { concurrency, EXIT_FAILED, EXIT_OK, imageArg, registryArg, repositoryArg, withClient, type Context } from '../context';
import { printJson, progress, table } from '../output';

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

/**
 * digest → the image's created date (from its config; an index has none), one manifest and config read per digest
 * through the client's digest cache. On Docker Hub each manifest read counts as a pull: --created asks for them.
 */
async function createdDates(client: RegistryClient, repository: string, digests: string[], ctx: Context): Promise<Map<string, Date | undefined>> {
  const cache = digestCache(client);
  const dates = new Map<string, Date | undefined>();
  const report = progress(ctx.io, 'reading created dates');
  const todo = [...new Set(digests)];
  await mapLimit(
    todo,
    concurrency(ctx) ?? 8,
    async (digest) => {
      try {
        dates.set(digest, await cache.created(repository, await cache.manifest(repository, digest, ctx.io.interrupt), ctx.io.interrupt));
      } catch (e) {
        if (ctx.io.interrupt.aborted) throw e;
        dates.set(digest, undefined); // unknown: said as null, not guessed
      }
      report(dates.size, todo.length);
    },
    ctx.io.interrupt,
  );
  return dates;
}

/** A tag's line of the text listing: its digest (or why not), and its created date when asked for. */
function textRow(r: { tag: string; digest?: string; error?: string; created?: unknown }, withCreated: boolean): string[] {
  const row = [r.tag, r.digest ?? `error: ${r.error ?? 'not resolved'}`];
  return withCreated && r.digest ? [...row, typeof r.created === 'string' ? r.created : '-'] : row;
}

export function tags(ctx: Context): Promise<number> {
  const ref = repositoryArg(ctx);
  const json = has(ctx.args, 'json');
  return withClient(ctx, ref, async (client) => {
    const provider = await client.provider(ctx.io.interrupt);
    const created = has(ctx.args, 'created');
    const listOnly = !has(ctx.args, 'digests') && !created;
    if (listOnly && provider.listTagDetails) {
      // The provider lists every tag with what it knows in a few pages: the same cost as the names alone.
      const details = await provider.listTagDetails(ref.repository, ctx.io.interrupt);
      if (json) printJson(ctx.io, details.map((d) => ({ tag: d.tag, ...extras(d) })));
      else ctx.io.stdout(details.map((d) => `${d.tag}\n`).join(''));
      return EXIT_OK;
    }
    if (listOnly) {
      const listing = await client.browseTags(ref.repository, { signal: ctx.io.interrupt });
      if (json) printJson(ctx.io, listing.items.map((tag) => ({ tag })));
      else ctx.io.stdout(listing.items.map((n) => `${n}\n`).join(''));
      if (!listing.incomplete) return EXIT_OK;
      ctx.io.stderr(`regx: the tag list is incomplete: ${listing.incomplete.why}\n${listing.incomplete.fix}\n`);
      return EXIT_FAILED;
    }
    const { states, snapshot } = await readTags(client, ref.repository, { concurrency: concurrency(ctx), signal: ctx.io.interrupt, onProgress: progress(ctx.io, 'resolving digests') });
    const dates = created ? await createdDates(client, ref.repository, states.flatMap((s) => (s.digest ? [s.digest] : [])), ctx) : undefined;
    const date = (digest: string): Record<string, unknown> => (dates ? { created: dates.get(digest)?.toISOString() ?? null } : {});
    const rows = states.map((s) => (s.digest ? { tag: s.tag, digest: s.digest, mediaType: s.mediaType, ...date(s.digest), ...extras(snapshot.details?.get(s.tag)) } : { tag: s.tag, error: s.error ?? 'not resolved' }));
    if (json) printJson(ctx.io, rows);
    else ctx.io.stdout(table(rows.map((r) => textRow(r, dates !== undefined))));
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
