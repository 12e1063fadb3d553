// The regx commands. Each takes parsed arguments and the IO, and returns the exit code:
// 0 done, 1 an operation failed, 2 bad usage or bad input.
import { chainCredentialSources } from '../credentials/chain';
import { dockerConfigCredentialSource } from '../credentials/docker-config';
import { executePrune, type PruneResult } from '../prune/execute';
import { gatherTagStates } from '../prune/gather';
import { planPrune, summarizePlan, validatePolicy, type PlanEntry, type PrunePolicy } from '../prune/plan';
import { createRegistryClient } from '../registry/client';
import { formatSize } from '../registry/format';
import { badInput } from '../registry/errors';
import { isIndex } from '../registry/mediatypes';
import { formatReference, parseReference, shortDigest, type Reference } from '../registry/reference';
import type { Credential, CredentialSource, Logger, RegistryClient } from '../registry/types';
import { flag, has, intFlag, type ParsedArgs } from './args';
import { GC_HINT, listNames, printJson, progress, table, type CliIO } from './output';

export interface Context {
  args: ParsedArgs;
  io: CliIO;
}

const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

// ---- shared pieces -----------------------------------------------------------------------------------------

async function credentialSource({ args, io }: Context): Promise<CredentialSource> {
  const username = flag(args, 'username') ?? io.env.REGX_USERNAME;
  let password: string | undefined;
  if (has(args, 'password-stdin')) {
    if (io.stdinIsTTY) throw badInput('--password-stdin needs the password piped in', 'Example: printf %s "$PASSWORD" | regx … -u USER --password-stdin');
    password = (await io.readStdin()).replace(/\r?\n$/, '');
    if (!password) throw badInput('--password-stdin read an empty password');
  } else {
    password = io.env.REGX_PASSWORD;
  }
  if (username && password === undefined) throw badInput(`a user name (${username}) was given without a password`, 'Pipe it with --password-stdin, or set REGX_PASSWORD.');
  if (!username && password !== undefined) throw badInput('a password was given without a user name', 'Add -u USER (or set REGX_USERNAME).');
  if (username && password !== undefined) {
    const cred: Credential = { username, password };
    return async () => cred;
  }
  return chainCredentialSources(dockerConfigCredentialSource({ env: io.env as NodeJS.ProcessEnv }));
}

function logger(ctx: Context): Logger | undefined {
  if (!has(ctx.args, 'verbose')) return undefined;
  return { trace: (m) => ctx.io.stderr(`${m}\n`), debug: (m) => ctx.io.stderr(`${m}\n`), warn: (m) => ctx.io.stderr(`warning: ${m}\n`) };
}

async function connect(ctx: Context, ref: { host: string; scheme?: string }): Promise<RegistryClient> {
  const warn = (m: string): void => ctx.io.stderr(`warning: ${m}\n`);
  return createRegistryClient({
    url: ref.scheme ? `${ref.scheme}://${ref.host}` : ref.host,
    credentials: await credentialSource(ctx),
    insecure: has(ctx.args, 'insecure'),
    caFile: flag(ctx.args, 'ca-file'),
    concurrency: intFlag(ctx.args, 'concurrency', 1, 64),
    logger: logger(ctx) ?? { trace: () => undefined, debug: () => undefined, warn },
  });
}

function onePositional(ctx: Context, what: string): string {
  const [value, ...rest] = ctx.args.positionals;
  if (!value) throw badInput(`missing ${what}`, 'Run regx --help for the usage.');
  if (rest.length) throw badInput(`unexpected argument "${rest[0]}"`, 'Run regx --help for the usage.');
  return value;
}

function repositoryRef(ctx: Context): Reference {
  const ref = parseReference(onePositional(ctx, '<registry>/<repository>'));
  if (ref.tag || ref.digest) throw badInput(`give a repository without a tag or digest (got ${formatReference(ref)})`);
  return ref;
}

function imageRef(ctx: Context): Reference & { target: string } {
  const ref = parseReference(onePositional(ctx, '<registry>/<repository>:<tag> or @<digest>'));
  const target = ref.digest ?? ref.tag;
  if (!target) throw badInput(`name a tag or a digest (got ${formatReference(ref)})`, 'Example: localhost:5000/app:1.0.0 or localhost:5000/app@sha256:…');
  return { ...ref, target };
}

/** Asks before a destructive step; refuses (changing nothing) when it cannot ask. */
async function confirmOrRefuse(ctx: Context, question: string): Promise<boolean | 'refused'> {
  if (has(ctx.args, 'yes')) return true;
  if (!ctx.io.stdinIsTTY) {
    ctx.io.stderr('regx: refusing to delete without --yes: standard input is not a terminal to confirm on. Nothing was changed.\n');
    return 'refused';
  }
  return ctx.io.confirm(`${question} [y/N] `);
}

async function gcHint(ctx: Context, client: RegistryClient): Promise<void> {
  const ping = await client.ping().catch(() => undefined);
  if (ping?.selfHostedDistribution) ctx.io.stderr(`${GC_HINT}\n`);
}

// ---- commands ------------------------------------------------------------------------------------------------

export async function repos(ctx: Context): Promise<number> {
  const ref = parseRegistryArg(onePositional(ctx, '<registry>'));
  const client = await connect(ctx, ref);
  try {
    const names = await client.listRepositories({ signal: ctx.io.interrupt });
    if (has(ctx.args, 'json')) printJson(ctx.io, names);
    else ctx.io.stdout(names.map((n) => `${n}\n`).join(''));
    return EXIT_OK;
  } finally {
    await client.close();
  }
}

function parseRegistryArg(value: string): { host: string; scheme?: 'http' | 'https' } {
  // Reuse the reference grammar: a registry is a reference's host part.
  const ref = parseReference(`${value.replace(/\/+$/, '')}/x`);
  if (ref.repository !== 'x' && ref.repository !== 'library/x') throw badInput(`"${value}" is not a registry address`, 'Give host[:port] or a URL such as http://localhost:5000.');
  return ref;
}

export async function tags(ctx: Context): Promise<number> {
  const ref = repositoryRef(ctx);
  const client = await connect(ctx, ref);
  try {
    const names = await client.listTags(ref.repository, { signal: ctx.io.interrupt });
    const json = has(ctx.args, 'json');
    if (!has(ctx.args, 'digests')) {
      if (json) printJson(ctx.io, names.map((tag) => ({ tag })));
      else ctx.io.stdout(names.map((n) => `${n}\n`).join(''));
      return EXIT_OK;
    }
    const results = await client.resolveMany(ref.repository, names, { signal: ctx.io.interrupt, onResult: countProgress(ctx, names.length) });
    let failed = 0;
    const rows = names.map((tag) => {
      const r = results.get(tag);
      if (!r || r instanceof Error) {
        failed++;
        return { tag, error: r?.message ?? 'not resolved' };
      }
      return { tag, digest: r.digest, mediaType: r.mediaType };
    });
    if (json) printJson(ctx.io, rows);
    else ctx.io.stdout(table(rows.map((r) => [r.tag, 'digest' in r && r.digest ? r.digest : `error: ${(r as { error: string }).error}`])));
    if (failed) ctx.io.stderr(`regx: ${failed} tag(s) could not be resolved\n`);
    return failed ? EXIT_FAILED : EXIT_OK;
  } finally {
    await client.close();
  }
}

function countProgress(ctx: Context, total: number): () => void {
  const report = progress(ctx.io, 'resolving digests');
  let done = 0;
  return () => report(++done, total);
}

export async function digest(ctx: Context): Promise<number> {
  const ref = imageRef(ctx);
  const client = await connect(ctx, ref);
  try {
    const info = await client.resolve(ref.repository, ref.target, ctx.io.interrupt);
    ctx.io.stdout(`${info.digest}\n`);
    return EXIT_OK;
  } finally {
    await client.close();
  }
}

export async function inspect(ctx: Context): Promise<number> {
  const ref = imageRef(ctx);
  const client = await connect(ctx, ref);
  try {
    const manifest = await client.getManifest(ref.repository, ref.target, ctx.io.interrupt);
    const [created, impact] = await Promise.all([
      client.getCreated(ref.repository, manifest, ctx.io.interrupt).catch(() => undefined),
      client.deleteImpact(ref.repository, manifest.digest, ctx.io.interrupt),
    ]);
    const platforms = manifest.platforms?.map((p) => [p.os, p.architecture, p.variant].filter(Boolean).join('/'));
    if (has(ctx.args, 'json')) {
      printJson(ctx.io, {
        reference: formatReference(ref),
        digest: manifest.digest,
        mediaType: manifest.mediaType,
        kind: manifest.kind,
        platforms: manifest.platforms,
        size: manifest.totalSize,
        created: created?.toISOString(),
        configDigest: manifest.configDigest,
        subject: manifest.subject,
        annotations: manifest.annotations,
        tags: impact.tags,
      });
      return EXIT_OK;
    }
    const rows = [
      ['Reference:', formatReference(ref)],
      ['Digest:', manifest.digest],
      ['Media type:', manifest.mediaType],
      ['Kind:', manifest.kind === 'index' ? `multi-arch index (${platforms?.length ?? 0} platforms)` : manifest.kind],
    ];
    if (platforms) rows.push(['Platforms:', platforms.join(', ')]);
    if (manifest.kind === 'image') rows.push(['Size:', manifest.totalSize === undefined ? 'unknown' : formatSize(manifest.totalSize)]);
    rows.push(['Created:', created?.toISOString() ?? 'unknown']);
    if (manifest.subject) rows.push(['Subject:', manifest.subject]);
    rows.push(['Tags:', `${listNames(impact.tags)} (every tag on this digest)`]);
    ctx.io.stdout(table(rows));
    return EXIT_OK;
  } finally {
    await client.close();
  }
}

export async function deleteImage(ctx: Context): Promise<number> {
  const ref = imageRef(ctx);
  const client = await connect(ctx, ref);
  try {
    let impact = await client.deleteImpact(ref.repository, ref.target, ctx.io.interrupt);
    const json = has(ctx.args, 'json');
    const say = (line: string): void => (json ? ctx.io.stderr(`${line}\n`) : ctx.io.stdout(`${line}\n`));
    say(`Deleting ${impact.digest} from ${ref.host}/${ref.repository} removes ${impact.tags.length} tag${impact.tags.length === 1 ? '' : 's'}: ${listNames(impact.tags)}`);
    if (isIndex(impact.mediaType)) say('It is a multi-arch index: its platform manifests stay in the registry until garbage collection.');
    const dryRun = has(ctx.args, 'dry-run');
    const report = (deleted: boolean, alreadyGone = false): void => {
      if (json) printJson(ctx.io, { repository: ref.repository, digest: impact.digest, tags: impact.tags, dryRun, deleted, alreadyGone });
    };
    if (dryRun) {
      say('Dry run: nothing was deleted.');
      report(false);
      return EXIT_OK;
    }
    const answer = await confirmOrRefuse(ctx, 'Delete it?');
    if (answer === 'refused') return EXIT_USAGE;
    if (!answer) {
      say('Nothing was deleted.');
      report(false);
      return EXIT_OK;
    }
    if (!has(ctx.args, 'yes')) {
      // Time passed while the user read the question: a tag may have moved onto the digest since.
      const again = await client.deleteImpact(ref.repository, impact.digest, ctx.io.interrupt);
      if (again.tags.join() !== impact.tags.join()) {
        ctx.io.stderr(`regx: the tags on ${impact.digest} changed while you were asked (now: ${listNames(again.tags)}). Nothing was deleted; run the command again.\n`);
        return EXIT_FAILED;
      }
      impact = again;
    }
    const result = await client.deleteManifest(ref.repository, impact.digest, ctx.io.interrupt);
    say(result.alreadyGone ? `${impact.digest} was already gone.` : `Deleted ${impact.digest} (tags gone: ${listNames(impact.tags)}).`);
    report(true, result.alreadyGone);
    await gcHint(ctx, client);
    return EXIT_OK;
  } finally {
    await client.close();
  }
}

export async function untag(ctx: Context): Promise<number> {
  const ref = imageRef(ctx);
  if (!ref.tag || ref.digest) throw badInput('untag takes a tag, not a digest', 'Example: regx untag localhost:5000/app:old');
  const client = await connect(ctx, ref);
  try {
    const answer = await confirmOrRefuse(ctx, `Remove the tag ${ref.tag} from ${ref.repository}? The image and its other tags stay.`);
    if (answer === 'refused') return EXIT_USAGE;
    if (!answer) {
      ctx.io.stdout('Nothing was changed.\n');
      return EXIT_OK;
    }
    await client.untag(ref.repository, ref.tag, { fallback: has(ctx.args, 'fallback'), signal: ctx.io.interrupt });
    ctx.io.stdout(`Removed the tag ${ref.tag} from ${ref.repository}.\n`);
    return EXIT_OK;
  } finally {
    await client.close();
  }
}

export function policyFromArgs(args: ParsedArgs): PrunePolicy {
  const range = flag(args, 'semver');
  if (!range) throw badInput('prune needs --semver <range>', 'Example: regx prune localhost:5000/app --semver "<2.0.0" --keep 3');
  const keepPer = flag(args, 'keep-per');
  if (keepPer !== undefined && keepPer !== 'major' && keepPer !== 'minor') throw badInput(`--keep-per must be major or minor (got "${keepPer}")`);
  const policy: PrunePolicy = {
    range,
    keep: intFlag(args, 'keep', 0, 1_000_000),
    keepPer,
    includePrerelease: has(args, 'prerelease'),
    protect: args.flags.get('protect'),
    olderThan: flag(args, 'older-than'),
  };
  validatePolicy(policy);
  return policy;
}

export async function prune(ctx: Context): Promise<number> {
  const ref = repositoryRef(ctx);
  const policy = policyFromArgs(ctx.args); // bad input fails here, before any request
  const json = has(ctx.args, 'json');
  const dryRun = has(ctx.args, 'dry-run');
  const client = await connect(ctx, ref);
  try {
    const states = await gatherTagStates(client, ref.repository, {
      withCreated: Boolean(policy.olderThan),
      concurrency: intFlag(ctx.args, 'concurrency', 1, 64),
      signal: ctx.io.interrupt,
      onProgress: progress(ctx.io, 'reading tags'),
    });
    const plan = planPrune(states, policy);
    const summary = summarizePlan(plan);
    const planOut = (entries: PlanEntry[]): object[] => entries.map((e) => ({ tag: e.tag, digest: e.digest, action: e.action, reason: e.reason }));
    if (!json) {
      ctx.io.stdout(table([['ACTION', 'TAG', 'DIGEST', 'REASON'], ...plan.entries.map((e) => [e.action, e.tag, e.digest ? shortDigest(e.digest) : '-', e.reason])]));
      for (const note of plan.notes) ctx.io.stdout(`note: ${note}\n`);
      ctx.io.stdout(`Plan: delete ${summary.delete} tag(s) in ${summary.digests} image(s); keep ${summary.keep}; skip ${summary.skip}.\n`);
    }
    const finish = (result: PruneResult | undefined): number => {
      if (json) {
        printJson(ctx.io, {
          repository: `${ref.host}/${ref.repository}`,
          dryRun,
          plan: planOut(applyResult(plan.entries, result)),
          deleted: result?.deleted ?? [],
          failed: (result?.failed ?? []).map((f) => ({ digest: f.digest, error: f.error })),
          skipped: (result?.skipped ?? []).map((s) => ({ digest: s.digest, tags: s.tags, reason: s.reason })),
          cancelled: result?.cancelled ?? false,
          ...(result?.stoppedBy ? { stoppedBy: result.stoppedBy } : {}),
        });
      }
      if (!result) return EXIT_OK;
      return result.failed.length || result.stoppedBy || result.cancelled ? EXIT_FAILED : EXIT_OK;
    };
    if (dryRun || plan.deleteDigests.length === 0) {
      if (!json) ctx.io.stdout(dryRun ? 'Dry run: nothing was deleted.\n' : 'Nothing to delete.\n');
      return finish(undefined);
    }
    const answer = await confirmOrRefuse(ctx, `Delete ${summary.digests} image(s) (${summary.delete} tag(s)) from ${ref.repository}?`);
    if (answer === 'refused') return EXIT_USAGE;
    if (!answer) {
      if (!json) ctx.io.stdout('Nothing was deleted.\n');
      return finish(undefined);
    }
    const report = progress(ctx.io, 'deleting');
    const result = await executePrune(client, ref.repository, plan, {
      concurrency: intFlag(ctx.args, 'concurrency', 1, 64),
      signal: ctx.io.interrupt,
      onProgress: (e) => report(e.done, e.total),
    });
    if (!json) {
      ctx.io.stdout(`Deleted ${result.deleted.length} image(s); skipped ${result.skipped.length}; failed ${result.failed.length}${result.cancelled ? '; cancelled before the end' : ''}.\n`);
      for (const s of result.skipped) ctx.io.stdout(`skipped ${shortDigest(s.digest)} (${listNames(s.tags)}): ${s.reason}\n`);
    }
    for (const f of result.failed) ctx.io.stderr(`regx: could not delete ${f.digest} (${listNames(f.tags)}): ${f.error}\n`);
    if (result.stoppedBy) ctx.io.stderr(`regx: stopped: ${result.stoppedBy.message}\n${result.stoppedBy.fix ? `${result.stoppedBy.fix}\n` : ''}`);
    if (result.deleted.length) await gcHint(ctx, client);
    return finish(result);
  } finally {
    await client.close();
  }
}

/** The plan as it turned out: entries the executor skipped or could not delete say so. */
function applyResult(entries: PlanEntry[], result: PruneResult | undefined): PlanEntry[] {
  if (!result) return entries;
  const skipped = new Map(result.skipped.map((s) => [s.digest, s.reason]));
  const failed = new Map(result.failed.map((f) => [f.digest, f.error]));
  const deleted = new Set(result.deleted);
  return entries.map((e) => {
    if (e.action !== 'delete' || !e.digest || deleted.has(e.digest)) return e;
    if (skipped.has(e.digest)) return { ...e, action: 'skip', reason: skipped.get(e.digest)! };
    if (failed.has(e.digest)) return { ...e, reason: `${e.reason} (failed: ${failed.get(e.digest)})` };
    return { ...e, action: 'skip', reason: result.cancelled ? 'not deleted: the run was cancelled' : 'not deleted: the run stopped early' };
  });
}
