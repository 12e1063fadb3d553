// `npm run bench`: regx against its peers on one real local registry, side by side in one run.
//  - resolving 1000 tag digests: `regx tags --digests` vs a raw keep-alive HEAD loop at the same concurrency
//    (the limit) vs a loop of `skopeo inspect --raw | sha256sum`;
//  - pruning 500 of 1000 digests: `regx prune --yes` vs a raw DELETE loop at the same concurrency (digests known in
//    advance), and vs the "seed flow" (list the tags, HEAD each, DELETE the doomed ones, with no re-check at all):
//    the difference is what regx's safety costs;
//  - listing 1000 tags with their digests through a hosted registry's API (FAKE ACR, Harbor, Docker Hub and GitLab on
//    the same registry): requests and time with the provider vs the plain V2 path (tag list + a HEAD per tag); ACR and
//    Harbor count requests in the fake's log, Docker Hub (whose V2 traffic bypasses the fake) and GitLab count regx's
//    own request lines (--verbose);
//  - the undo journal's cost: `regx prune --yes --verbose` with the journal vs with --no-journal on identical
//    repositories (time and requests: the plan reads the tags by GET, so the journal reads nothing more);
//  - scanning a 10 000-file workspace for what it deploys (1000 Dockerfiles, 3000 Kubernetes manifests, 6000 other
//    files), as the editor does before a prune and after a change to such a file;
//  - counting the space a prune of 500 of 1000 digests frees: the preview with the count vs without (the count reads
//    every manifest once), and a second preview with the count on the same client (the digest cache: no manifest read).
// Targets (2-core machine): digests ≤ 1.3× raw HEAD and ≥ 15× faster than skopeo; prune ≤ 1.2× raw DELETE; a hosted
// listing of 1000 tags in ≤ 15 requests (GitLab's gitlab/v1 list: ≤ 5); the preview with the count ≤ 1.5× the plan's
// read, and the second count ≤ 0.1× the first with no manifest read; the journal ≤ 1.2× the prune without it, with
// no more requests; the workspace scan well under a second (target ≤ 0.5 s).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { undici } from '../../src/registry/undici';
import { executePrune, previewPrune, pruneDeletions, spaceFreed } from '../../src/ops';
import { scanWorkspace } from '../../src/protect';
import { createRegistryClient } from '../../src/registry/client';
import type { RegistryClient } from '../../src/registry/types';
import { startFakeAcr } from '../support/fake-acr';
import { startFakeDockerHub } from '../support/fake-dockerhub';
import { startFakeGitlab } from '../support/fake-gitlab';
import { startFakeHarbor } from '../support/fake-harbor';
import { startRegistry, type TestRegistry } from '../support/registry';
import { FULL_ACCEPT, pushManyTags } from '../support/seed';
import { ensureSystemPackages } from '../support/system';

const TAGS = 1000;
const PRUNE = 500;
const CONCURRENCY = 8;
const ROOT = join(__dirname, '..', '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(fn: () => void): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

async function timeAsync(fn: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/** regx keeps its undo journal here during the bench, never in the real home. */
const STATE_HOME = mkdtempSync(join(tmpdir(), 'regx-bench-state-'));

function regx(args: string[]): string {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, XDG_STATE_HOME: STATE_HOME } });
  if (r.status !== 0) throw new Error(`regx ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

/** regx without blocking this process (which serves the fakes): its stdout and its stderr. */
function regxAsync(args: string[], env: Record<string, string>): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, XDG_STATE_HOME: STATE_HOME, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve({ stdout: out, stderr: err }) : reject(new Error(`regx ${args.join(' ')} failed (${code}): ${err}`))));
  });
}

/** A request line of `regx --verbose` (src/registry/transport.ts): `GET <url> → 200 (12 ms)`, or `→ <error code>`. */
const REQUEST_LINE = /^[A-Z]+ \S+ → \S+ \(\d+ ms\)$/;

/** How many requests a `regx --verbose` run made: its request lines on stderr. */
function requestLines(stderr: string): number {
  return stderr.split('\n').filter((l) => REQUEST_LINE.test(l)).length;
}

async function rawLoop(registry: TestRegistry, method: 'HEAD' | 'DELETE', paths: string[]): Promise<void> {
  const pool = new (undici().Pool)(registry.url, { connections: CONCURRENCY });
  await rawLoopOn(pool, method, paths);
  await pool.close();
}

async function rawLoopOn(pool: InstanceType<ReturnType<typeof undici>['Pool']>, method: 'HEAD' | 'DELETE', paths: string[]): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < paths.length) {
      const path = paths[next++];
      const res = await pool.request({ method, path, headers: { accept: FULL_ACCEPT } });
      await res.body.dump();
      const ok = method === 'HEAD' ? res.statusCode === 200 : res.statusCode === 202;
      if (!ok) throw new Error(`${method} ${path} → ${res.statusCode}`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

/** The seed flow, with no safety at all: list the tags, HEAD each, DELETE the digests of those below the range's bound. */
async function seedFlow(registry: TestRegistry, repository: string, doomed: (tag: string) => boolean): Promise<number> {
  const pool = new (undici().Pool)(registry.url, { connections: CONCURRENCY });
  try {
    const list = await pool.request({ method: 'GET', path: `/v2/${repository}/tags/list` });
    const tags = ((await list.body.json()) as { tags: string[] }).tags.filter(doomed);
    const digests = new Set<string>();
    let next = 0;
    const head = async (): Promise<void> => {
      while (next < tags.length) {
        const res = await pool.request({ method: 'HEAD', path: `/v2/${repository}/manifests/${tags[next++]}`, headers: { accept: FULL_ACCEPT }, reset: false });
        await res.body.dump();
        digests.add(String(res.headers['docker-content-digest']));
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, head));
    await rawLoopOn(pool, 'DELETE', [...digests].map((d) => `/v2/${repository}/manifests/${d}`));
    return digests.size;
  } finally {
    await pool.close();
  }
}

/** Where an in-process prune's time goes: the plan's read, then the executor (its deletes and its reads). */
async function prunePhases(registry: TestRegistry, repository: string, range: string): Promise<{ planMs: number; executeMs: number; reads: number }> {
  const client = createRegistryClient({ url: registry.url, concurrency: CONCURRENCY });
  try {
    let start = performance.now();
    const plan = await previewPrune(client, repository, { range }, { concurrency: CONCURRENCY });
    const planMs = performance.now() - start;
    start = performance.now();
    // As `regx prune --yes` runs it: pre-approved, on the plan's fresh read.
    const result = await executePrune(client, plan, { confirmation: 'pre-approved', concurrency: CONCURRENCY });
    const executeMs = performance.now() - start;
    if (result.deleted.length !== PRUNE) throw new Error(`in-process prune deleted ${result.deleted.length}`);
    return { planMs, executeMs, reads: result.reads };
  } finally {
    await client.close();
  }
}

/** A client whose requests are counted from its request log: all of them, and the manifest GETs by digest (a count's reads; tags are read by name). */
function countingClient(registry: TestRegistry): { client: RegistryClient; requests: () => number; manifestGets: () => number } {
  const lines: string[] = [];
  const client = createRegistryClient({ url: registry.url, concurrency: CONCURRENCY, logger: { trace: (m) => lines.push(m), debug: () => undefined, warn: () => undefined } });
  return { client, requests: () => lines.length, manifestGets: () => lines.filter((l) => /^GET \S*\/manifests\/sha256:/.test(l)).length };
}

interface Measured {
  ms: number;
  requests: number;
  manifestGets: number;
}

interface FreedCost {
  /** previewPrune without the count (a fresh client). */
  plan: Measured;
  /** previewPrune with the count (a fresh client). */
  withFreed: Measured;
  /** previewPrune with the count again, on the same client. */
  again: Measured;
  /** The count alone (spaceFreed on the plan's snapshot), first on a fresh client, then again on it. */
  countFirst: Measured;
  countAgain: Measured;
  freedBytes: number;
}

async function measure(c: ReturnType<typeof countingClient>, fn: () => Promise<void>): Promise<Measured> {
  const [requests, manifestGets] = [c.requests(), c.manifestGets()];
  const ms = await timeAsync(fn);
  return { ms, requests: c.requests() - requests, manifestGets: c.manifestGets() - manifestGets };
}

/** One round of the freed-space rows, each on fresh clients. The figure is checked against the seed's sizes. */
async function freedRound(registry: TestRegistry, repository: string, range: string, expectedBytes: number): Promise<FreedCost> {
  const [a, b, c] = [countingClient(registry), countingClient(registry), countingClient(registry)];
  try {
    const opts = { concurrency: CONCURRENCY };
    const plan = await measure(a, async () => void (await previewPrune(a.client, repository, { range }, opts)));
    let freedBytes = -1;
    const withFreed = await measure(b, async () => void (freedBytes = (await previewPrune(b.client, repository, { range }, { ...opts, withFreed: true })).freed!.bytes));
    let againBytes = -1;
    const again = await measure(b, async () => void (againBytes = (await previewPrune(b.client, repository, { range }, { ...opts, withFreed: true })).freed!.bytes));
    if (freedBytes !== expectedBytes || againBytes !== expectedBytes) throw new Error(`freed ${freedBytes} then ${againBytes}, expected ${expectedBytes}`);
    const preview = await previewPrune(c.client, repository, { range }, opts);
    const doomed = pruneDeletions(preview).map((d) => d.digest);
    const countFirst = await measure(c, async () => void (await spaceFreed(c.client, preview.snapshot, doomed, opts)));
    const countAgain = await measure(c, async () => void (await spaceFreed(c.client, preview.snapshot, doomed, opts)));
    return { plan, withFreed, again, countFirst, countAgain, freedBytes };
  } finally {
    await Promise.all([a.client.close(), b.client.close(), c.client.close()]);
  }
}

/** The freed-space rows: the median round by the time of the preview with the count, of 3. */
async function freedCost(registry: TestRegistry, repository: string, range: string, expectedBytes: number): Promise<FreedCost> {
  const rounds: FreedCost[] = [];
  for (let i = 0; i < 3; i++) rounds.push(await freedRound(registry, repository, range, expectedBytes));
  const pick = (f: (r: FreedCost) => Measured): Measured => {
    const sorted = [...rounds].sort((x, y) => f(x).ms - f(y).ms);
    return f(sorted[1]);
  };
  return {
    plan: pick((r) => r.plan),
    withFreed: pick((r) => r.withFreed),
    again: pick((r) => r.again),
    countFirst: pick((r) => r.countFirst),
    countAgain: pick((r) => r.countAgain),
    freedBytes: rounds[0].freedBytes,
  };
}

function measured(m: Measured): string {
  return `${seconds(m.ms)}, ${m.requests} requests (${m.manifestGets} manifest GETs by digest)`;
}

interface HostedRow {
  service: string;
  providerMs: number;
  providerRequests: number;
  v2Ms: number;
  v2Requests: number;
  /** Where the requests were counted: the fake's request log, or regx's own request lines (--verbose). */
  counted: 'fake log' | 'regx --verbose';
  /** The most requests the provider path should take. */
  target: number;
}

type Digests = Record<string, string>;
type Env = Record<string, string>;

/** `regx tags <target> --digests --json` once, timed; throws unless it lists every seeded tag with its digest. */
async function listDigests(label: string, target: string, extra: string[], env: Env, digests: Digests): Promise<{ ms: number; stderr: string }> {
  let out = { stdout: '', stderr: '' };
  const args = ['tags', target, '--digests', '--json', '--concurrency', String(CONCURRENCY), ...extra];
  const ms = await timeAsync(async () => void (out = await regxAsync(args, env)));
  const rows = JSON.parse(out.stdout) as { tag: string; digest: string }[];
  const wrong = rows.filter((r) => digests[r.tag] !== r.digest);
  if (rows.length !== TAGS || wrong.length) throw new Error(`${label}: ${rows.length} tags, ${wrong.length} with a wrong digest`);
  return { ms, stderr: out.stderr };
}

/** The listing with `--verbose`, its requests counted from regx's request lines. */
async function listCountingLines(label: string, target: string, extra: string[], env: Env, digests: Digests): Promise<{ ms: number; requests: number }> {
  const r = await listDigests(label, target, [...extra, '--verbose'], env, digests);
  return { ms: r.ms, requests: requestLines(r.stderr) };
}

/** ACR and Harbor: the provider vs --provider distribution through the fake, requests counted in the fake's log. */
async function acrAndHarbor(registry: TestRegistry, repository: string, digests: Digests): Promise<HostedRow[]> {
  const user = { username: 'bench-user', password: `bench-${process.pid}-pw` };
  const env = { REGX_USERNAME: user.username, REGX_PASSWORD: user.password };
  const acr = await startFakeAcr({ registry, users: [user] });
  const harbor = await startFakeHarbor({ registry, users: [user], publicProjects: [] });
  try {
    const out: HostedRow[] = [];
    for (const [service, fake] of [['ACR', acr], ['Harbor', harbor]] as const) {
      const run = async (provider: string): Promise<{ ms: number; requests: number }> => {
        const before = fake.requests().length;
        const { ms } = await listDigests(`${service} (${provider})`, `${fake.host}/${repository}`, ['--provider', provider], env, digests);
        return { ms, requests: fake.requests().length - before };
      };
      const p = await run(service.toLowerCase());
      const v2 = await run('distribution');
      out.push({ service, providerMs: p.ms, providerRequests: p.requests, v2Ms: v2.ms, v2Requests: v2.requests, counted: 'fake log', target: 15 });
    }
    return out;
  } finally {
    await Promise.all([acr.stop(), harbor.stop()]);
  }
}

/**
 * Docker Hub: the Hub API's tag list (100 a page) from the fake, vs the V2 path on the registry itself. V2 traffic goes
 * straight to the real registry, past the fake, so regx's own request lines count both.
 */
async function dockerHub(registry: TestRegistry, repository: string, digests: Digests): Promise<HostedRow> {
  const account = { username: 'bench-user', secret: `bench-${process.pid}-hub-token`, orgs: [repository.split('/')[0]] };
  const env = { REGX_USERNAME: account.username, REGX_PASSWORD: account.secret };
  const hub = await startFakeDockerHub({ registry, accounts: [account] });
  try {
    hub.importFromRegistry(repository);
    const target = `${registry.host}/${repository}`;
    const p = await listCountingLines('Docker Hub (dockerhub)', target, ['--provider', 'dockerhub', '--api-url', hub.url], env, digests);
    const v2 = await listCountingLines('Docker Hub (distribution)', target, ['--provider', 'distribution'], env, digests);
    return { service: 'Docker Hub', providerMs: p.ms, providerRequests: p.requests, v2Ms: v2.ms, v2Requests: v2.requests, counted: 'regx --verbose', target: 15 };
  } finally {
    await hub.stop();
  }
}

/** GitLab: the registry's gitlab/v1 tag list vs the V2 path, both through the fake's registry side (token realm). */
async function gitlab(registry: TestRegistry, repository: string, digests: Digests): Promise<HostedRow> {
  const token = { token: `bench-${process.pid}-gitlab-token`, scopes: ['api'] };
  const env = { REGX_USERNAME: 'bench-user', REGX_PASSWORD: token.token };
  const fake = await startFakeGitlab({ registry, projects: [repository], tokens: [token] });
  try {
    const target = `${fake.host}/${repository}`;
    const p = await listCountingLines('GitLab (gitlab)', target, ['--provider', 'gitlab'], env, digests);
    const v2 = await listCountingLines('GitLab (distribution)', target, ['--provider', 'distribution'], env, digests);
    return { service: 'GitLab', providerMs: p.ms, providerRequests: p.requests, v2Ms: v2.ms, v2Requests: v2.requests, counted: 'regx --verbose', target: 5 };
  } finally {
    await fake.stop();
  }
}

/**
 * `regx tags --digests` of a 1000-tag repository through a hosted registry's API (its fake): once with its provider
 * (the tag list carries the digests), once with --provider distribution (the V2 tag list, then a HEAD per tag). Both
 * answers must be the registry's digests. One registry serves every fake in turn.
 */
async function hostedListing(): Promise<HostedRow[]> {
  // A registry of its own: the fakes read the registry's storage for each answer, so other repositories would only
  // slow the fake down.
  const registry = await startRegistry({ auth: 'none' });
  const repository = 'team/web'; // Harbor: project team; Docker Hub: namespace team; GitLab: project team/web
  try {
    const { digests } = await pushManyTags(registry, repository, TAGS, { distinctDigests: true });
    const rows = await acrAndHarbor(registry, repository, digests);
    rows.push(await dockerHub(registry, repository, digests));
    rows.push(await gitlab(registry, repository, digests));
    return rows;
  } finally {
    await registry.stop();
    rmSync(STATE_HOME, { recursive: true, force: true });
  }
}

/** A workspace of 10 000 files in 100 folders: every tenth a Dockerfile, three in ten a Kubernetes manifest with 3 images. */
function writeWorkspace(root: string): number {
  let refs = 0;
  for (let d = 0; d < 100; d++) {
    const dir = join(root, `service-${d}`);
    mkdirSync(dir, { recursive: true });
    for (let f = 0; f < 100; f++) {
      const i = d * 100 + f;
      if (i % 10 === 0) {
        writeFileSync(join(dir, `Dockerfile.${f}`), `FROM registry.example.com/base:${i}\nRUN make\nCOPY . /app\n`);
        refs += 1;
      } else if (i % 10 < 4) {
        const containers = [0, 1, 2].map((k) => `        - name: c${k}\n          image: registry.example.com/team/app${k}:1.${i}.${k}\n`).join('');
        writeFileSync(join(dir, `deploy-${f}.yaml`), `apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n${containers}`);
        refs += 3;
      } else {
        writeFileSync(join(dir, `module-${f}.ts`), 'export const x = 1;\n'.repeat(20));
      }
    }
  }
  return refs;
}

/** The scan of that workspace: median of 5, after one warm-up read (the files in the page cache, as in an editor). */
async function workspaceScan(): Promise<{ ms: number; refs: number }> {
  const root = mkdtempSync(join(tmpdir(), 'regx-bench-ws-'));
  try {
    const expected = writeWorkspace(root);
    const warm = await scanWorkspace(root);
    if (warm.refs.length !== expected) throw new Error(`the scan found ${warm.refs.length} references of ${expected}`);
    const runs: number[] = [];
    for (let i = 0; i < 5; i++) runs.push(await timeAsync(async () => void (await scanWorkspace(root))));
    return { ms: median(runs), refs: expected };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  ensureSystemPackages(['docker-registry', 'skopeo']);
  const registry = await startRegistry({ auth: 'none' });
  try {
    process.stderr.write(`seeding ${TAGS} tags × 7 repositories…\n`);
    const bench = await pushManyTags(registry, 'bench', TAGS, { distinctDigests: true });
    const pruneA = await pushManyTags(registry, 'prune-a', TAGS, { distinctDigests: true });
    const pruneB = await pushManyTags(registry, 'prune-b', TAGS, { distinctDigests: true });
    await pushManyTags(registry, 'prune-c', TAGS, { distinctDigests: true });
    const pruneD = await pushManyTags(registry, 'prune-d', TAGS, { distinctDigests: true });
    await pushManyTags(registry, 'prune-e', TAGS, { distinctDigests: true });
    await pushManyTags(registry, 'prune-f', TAGS, { distinctDigests: true });

    // --- digests ---------------------------------------------------------------------------------------
    const regxRuns: number[] = [];
    const rawRuns: number[] = [];
    for (let i = 0; i < 3; i++) {
      let out = '';
      regxRuns.push(time(() => (out = regx(['tags', `${registry.host}/bench`, '--digests', '--json', '--concurrency', String(CONCURRENCY)]))));
      const rows = JSON.parse(out) as { tag: string; digest: string }[];
      const wrong = rows.filter((r) => bench.digests[r.tag] !== r.digest);
      if (rows.length !== TAGS || wrong.length) throw new Error(`regx returned ${rows.length} tags, ${wrong.length} with a wrong digest`);
      rawRuns.push(await timeAsync(() => rawLoop(registry, 'HEAD', bench.tags.map((t) => `/v2/bench/manifests/${t}`))));
    }
    process.stderr.write(`skopeo loop over ${TAGS} tags (takes a while)…\n`);
    const script = `for t in "$@"; do skopeo inspect --raw --tls-verify=false "docker://${registry.host}/bench:$t" | sha256sum; done`;
    let skopeoOut = '';
    const skopeoMs = time(() => (skopeoOut = execFileSync('bash', ['-c', script, 'skopeo-loop', ...bench.tags], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 })));
    const firstSkopeo = `sha256:${skopeoOut.split(/\s+/)[0]}`;
    if (firstSkopeo !== bench.digests[bench.tags[0]]) throw new Error(`skopeo's digest of ${bench.tags[0]} differs: ${firstSkopeo}`);

    // --- prune -------------------------------------------------------------------------------------------
    const range = '<1.5.0'; // semverTag: 1.0.0 … 1.4.99 are the first 500
    let pruneJson = '';
    const pruneMs = time(() => (pruneJson = regx(['prune', `${registry.host}/prune-a`, '--semver', range, '--yes', '--json', '--concurrency', String(CONCURRENCY)])));
    const pruned = JSON.parse(pruneJson) as { deleted: string[]; failed: unknown[] };
    if (pruned.deleted.length !== PRUNE || pruned.failed.length) throw new Error(`prune deleted ${pruned.deleted.length}, failed ${pruned.failed.length}`);
    const expected = new Set(pruneA.tags.slice(0, PRUNE).map((t) => pruneA.digests[t]));
    if (!pruned.deleted.every((d) => expected.has(d))) throw new Error('prune deleted a digest outside the range');
    const rawDeleteMs = await timeAsync(() => rawLoop(registry, 'DELETE', pruneB.tags.slice(0, PRUNE).map((t) => `/v2/prune-b/manifests/${pruneB.digests[t]}`)));

    const doomedTags = new Set(pruneD.tags.slice(0, PRUNE));
    const seedMs = await timeAsync(async () => {
      const n = await seedFlow(registry, 'prune-d', (t) => doomedTags.has(t));
      if (n !== PRUNE) throw new Error(`the seed flow deleted ${n}`);
    });

    // The undo journal's cost: the same prune with and without it, each request counted (--verbose on both).
    // The executor's re-reads depend on time (a stretch lasts the freshness bound), so the total varies between runs;
    // what the journal could add is a GET of each doomed manifest by digest: those are counted apart.
    const journalRun = async (repo: string, extra: string[]): Promise<{ ms: number; requests: number; manifestGets: number }> => {
      let stderr = '';
      const ms = await timeAsync(async () => {
        const r = await regxAsync(['prune', `${registry.host}/${repo}`, '--semver', range, '--yes', '--verbose', '--concurrency', String(CONCURRENCY), ...extra], {});
        stderr = r.stderr;
      });
      return { ms, requests: requestLines(stderr), manifestGets: stderr.split('\n').filter((l) => REQUEST_LINE.test(l) && /^GET \S+\/manifests\/sha256:/.test(l)).length };
    };
    const journaled = await journalRun('prune-e', []);
    const unjournaled = await journalRun('prune-f', ['--no-journal']);

    // Where a prune's time goes, in-process on another identical repository: the plan's read of every tag, then the
    // executor: the deletes (on the plan's read, which is fresh) and its read afterwards that looks for lost tags.
    const phases = await prunePhases(registry, 'prune-c', range);

    // The space freed, on the 1000-tag repository the digest rows read (nothing deleted from it): the images share
    // their config and layer, so the plan frees exactly the manifests of the 500 doomed digests.
    const doomedBytes = bench.tags.slice(0, PRUNE).reduce((sum, t) => sum + bench.sizes[bench.digests[t]], 0);
    const freed = await freedCost(registry, 'bench', range, doomedBytes);

    const hostedRows = await hostedListing();
    const scan = await workspaceScan();

    const regxMs = median(regxRuns);
    const rawMs = median(rawRuns);
    const rows: [string, string, string, string][] = [
      [`resolve ${TAGS} digests`, `regx tags --digests: ${seconds(regxMs)}`, `raw HEAD loop (${CONCURRENCY} conns): ${seconds(rawMs)}`, `${(regxMs / rawMs).toFixed(2)}× raw (target ≤ 1.3×)`],
      [`resolve ${TAGS} digests`, `regx tags --digests: ${seconds(regxMs)}`, `skopeo inspect --raw | sha256sum loop: ${seconds(skopeoMs)}`, `${(skopeoMs / regxMs).toFixed(1)}× faster (target ≥ 15×)`],
      [`delete ${PRUNE} digests`, `regx prune --yes: ${seconds(pruneMs)}`, `raw DELETE loop (${CONCURRENCY} conns): ${seconds(rawDeleteMs)}`, `${(pruneMs / rawDeleteMs).toFixed(2)}× raw (target ≤ 1.2×)`],
      [`delete ${PRUNE} digests`, `regx prune --yes: ${seconds(pruneMs)}`, `seed flow, no re-check (list, HEAD, DELETE): ${seconds(seedMs)}`, `${(pruneMs / seedMs).toFixed(2)}× the unsafe flow`],
      [
        `delete ${PRUNE} digests, undo journal kept (--verbose both)`,
        `regx prune --yes: ${seconds(journaled.ms)}, ${journaled.requests} requests, ${journaled.manifestGets} manifest GETs by digest`,
        `--no-journal: ${seconds(unjournaled.ms)}, ${unjournaled.requests} requests, ${unjournaled.manifestGets} manifest GETs by digest`,
        `${(journaled.ms / unjournaled.ms).toFixed(2)}× (target ≤ 1.2×), ${journaled.manifestGets - unjournaled.manifestGets} more manifest GETs (target 0)`,
      ],
      ...hostedRows.map((h): [string, string, string, string] => [
        `list ${TAGS} tags with digests (fake ${h.service}; requests counted by ${h.counted})`,
        `regx tags --digests, ${h.service} API: ${seconds(h.providerMs)}, ${h.providerRequests} requests`,
        `same through V2 (list + HEAD each): ${seconds(h.v2Ms)}, ${h.v2Requests} requests`,
        `${(h.v2Ms / h.providerMs).toFixed(1)}× faster, ${h.providerRequests} requests (target ≤ ${h.target})`,
      ]),
    ];
    rows.push(
      [
        'scan a 10 000-file workspace for what it deploys',
        `scanWorkspace: ${seconds(scan.ms)}, ${scan.refs} references`,
        '-',
        `${seconds(scan.ms)} (target ≤ 0.50 s)`,
      ],
      [
        `preview a prune of ${PRUNE} of ${TAGS} digests, counting the space freed`,
        `previewPrune withFreed: ${measured(freed.withFreed)}`,
        `previewPrune alone: ${measured(freed.plan)}`,
        `${(freed.withFreed.ms / freed.plan.ms).toFixed(2)}× the plan's read (target ≤ 1.5×), ${freed.withFreed.requests - freed.plan.requests} more requests`,
      ],
      [
        'the same preview again, same client (digest cache)',
        `previewPrune withFreed again: ${measured(freed.again)}`,
        `first: ${measured(freed.withFreed)}`,
        `${(freed.again.ms / freed.withFreed.ms).toFixed(2)}× the first (the tags are read again, as every preview does), ${freed.again.manifestGets} manifest GETs by digest (target 0)`,
      ],
      [
        `the count alone (spaceFreed, ${PRUNE} doomed of ${TAGS})`,
        `again, same client: ${measured(freed.countAgain)}`,
        `first, fresh client: ${measured(freed.countFirst)}`,
        `${(freed.countAgain.ms / freed.countFirst.ms).toFixed(3)}× the first (target ≤ 0.1×), ${freed.countAgain.manifestGets} manifest GETs`,
      ],
    );
    const table = ['| task | regx | peer | ratio |', '|---|---|---|---|', ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
    const breakdown = `prune phases (in-process): plan read of ${TAGS} tags ${seconds(phases.planMs)}, executor ${seconds(phases.executeMs)} (${PRUNE} deletes and ${phases.reads} full read${phases.reads === 1 ? '' : 's'} of the repository)`;
    process.stdout.write(`\n${table}\n\n${breakdown}\n(median of 3 for regx, raw HEAD and the freed-space rows; one run each for skopeo, prune and raw DELETE; ${TAGS}-tag repositories on loopback)\n`);
    const resultsDir = join(ROOT, 'test-results');
    mkdirSync(resultsDir, { recursive: true });
    writeFileSync(
      join(resultsDir, 'bench.json'),
      JSON.stringify({ regxDigestsMs: regxMs, rawHeadMs: rawMs, skopeoMs, pruneMs, rawDeleteMs, seedMs, journaled, unjournaled, scan, phases, hosted: hostedRows, freed, tags: TAGS, pruned: PRUNE, concurrency: CONCURRENCY, table }, null, 2),
    );
  } finally {
    await registry.stop();
    rmSync(STATE_HOME, { recursive: true, force: true });
  }
}

main().catch((e) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
