// Property tests of the executor's rules. First the pure checks (src/ops/checks.ts) on generated snapshots; then
// the executor itself (src/ops/executor.ts) against a MODEL of a registry (test/support/model-registry.ts) while
// other people push, move and delete tags and images at random but reproducible points of its run, and the
// registry fails now and then. The guarantee checked is the product's: nothing you keep disappears unreported.
// Fixed seeds: CI sees the same cases every run.
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkDeletions, findLostTags, readSnapshot, tagsByDigest, tagStates, type ConfirmedDeletion, type RepositorySnapshot } from '../../src/ops';
import { executeDeletions, type DeletionProgress, type DeletionResult, type ExecuteOptions } from '../../src/ops/executor';
import { planPrune, plannedDeletions, type PrunePolicy } from '../../src/prune';
import { isIndex } from '../../src/registry/mediatypes';
import type { DigestInfo, Platform } from '../../src/registry/types';
import {
  arbRepositorySpec,
  arbTagName,
  digestNo,
  ModelRegistry,
  MODEL_REPOSITORY,
  type CallKind,
  type DeleteRecord,
  type FailureCode,
  type ReadRecord,
  type RepositorySpec,
} from '../support/model-registry';

const SEED = 0x5eed_0bad;
const PURE_RUNS = 400;
const MODEL_RUNS = 500;
/** Runs where stretches end on real time: fewer, as each stall costs STALL_MS. */
const STRETCH_RUNS = 400;
/** A short freshness bound, and a stall longer than it: a stretch ends after the stalled call. */
const SHORT_BOUND_MS = 6;
const STALL_MS = 15;
const FRESHNESS_SLACK_MS = 5;

// ---------------------------------------------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------------------------------------------

/** Up to `max` of `xs`. */
function fewOf<T>(xs: T[], max: number): fc.Arbitrary<T[]> {
  return fc.subarray(xs, { maxLength: Math.min(max, xs.length) });
}

/** `[]` most of the time, sometimes up to `max` of `xs`. */
function rarelyFewOf<T>(xs: T[], max: number): fc.Arbitrary<T[]> {
  return fc.oneof({ weight: 3, arbitrary: fc.constant<T[]>([]) }, { weight: 1, arbitrary: fewOf(xs, max) });
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const [x, y] = [new Set(a), new Set(b)];
  return x.size === y.size && [...x].every((v) => y.has(v));
}

/** The digests the indexes in `roots` name, following nested indexes through `platformsOf`. */
function namedBy(roots: Iterable<string>, platformsOf: (index: string) => readonly Platform[] | undefined): Map<string, Set<string>> {
  const named = new Map<string, Set<string>>(); // digest → the roots that name it
  for (const root of roots) {
    const seen = new Set<string>();
    const visit = (index: string): void => {
      for (const p of platformsOf(index) ?? []) {
        if (seen.has(p.digest)) continue;
        seen.add(p.digest);
        named.set(p.digest, (named.get(p.digest) ?? new Set()).add(root));
        visit(p.digest);
      }
    };
    visit(root);
  }
  return named;
}

/** The platforms each manifest of `spec` names (the truth, nested indexes included). */
function truthOf(spec: RepositorySpec): (index: string) => readonly Platform[] | undefined {
  const platforms = new Map(spec.manifests.map((m) => [m.digest, m.platforms]));
  return (index) => platforms.get(index);
}

/** A snapshot of `spec` as a read would give it: `unresolved` tags failed, `unknownIndexes` could not be read. */
function snapshotOf(spec: RepositorySpec, unresolved: string[] = [], unknownIndexes: string[] = []): RepositorySnapshot {
  const mediaType = new Map(spec.manifests.map((m) => [m.digest, m.mediaType]));
  const tags = new Map<string, DigestInfo>();
  const failed = new Map<string, Error>();
  for (const [tag, digest] of spec.tags) {
    if (unresolved.includes(tag)) failed.set(tag, new Error('HEAD answered 500'));
    else tags.set(tag, { digest, mediaType: mediaType.get(digest) });
  }
  const children = new Map(spec.manifests.filter((m) => m.platforms && !unknownIndexes.includes(m.digest)).map((m) => [m.digest, m.platforms!]));
  return { repository: MODEL_REPOSITORY, readAt: 0, completedAt: 0, order: spec.tags.map(([t]) => t), tags, unresolved: failed, children };
}

/** Index digests tagged in `snapshot`. */
function taggedIndexes(snapshot: Pick<RepositorySnapshot, 'tags'>): string[] {
  return [...new Set([...snapshot.tags.values()].filter((i) => isIndex(i.mediaType)).map((i) => i.digest))];
}

// ---------------------------------------------------------------------------------------------------------------
// Confirmed items, derived from a snapshot: accurate, or stale (a tag dropped or added), with or without `breaks`
// ---------------------------------------------------------------------------------------------------------------

interface ItemRecipe {
  pick: number;
  tags: 'exact' | 'drop' | 'add';
  tagPick: number;
  breaks: 'none' | 'all' | 'some';
  breaksPick: number[];
  verified: boolean;
}

const arbItemRecipe: fc.Arbitrary<ItemRecipe> = fc.record({
  pick: fc.nat(),
  tags: fc.constantFrom('exact', 'exact', 'exact', 'drop', 'add'),
  tagPick: fc.nat(),
  breaks: fc.constantFrom('none', 'none', 'all', 'some'),
  breaksPick: fc.array(fc.nat(), { maxLength: 2 }),
  verified: fc.boolean(),
});

/**
 * Items from recipes: each picks a digest among `digests` (distinct), takes the tags `snapshot` shows on it (or one
 * fewer or one more: stale), and `breaks` none, every index that (truly) names it, or some index.
 */
function itemsFrom(recipes: ItemRecipe[], digests: string[], snapshot: RepositorySnapshot, platformsOf: (index: string) => readonly Platform[] | undefined, indexes: string[]): ConfirmedDeletion[] {
  const byDigest = tagsByDigest(snapshot);
  const allTags = [...snapshot.tags.keys()].sort();
  const named = namedBy(indexes, platformsOf);
  const items: ConfirmedDeletion[] = [];
  for (const r of recipes) {
    if (digests.length === 0) break;
    const digest = digests[r.pick % digests.length];
    if (items.some((i) => i.digest === digest)) continue;
    let tags = [...(byDigest.get(digest) ?? [])];
    if (r.tags === 'drop' && tags.length > 0) tags.splice(r.tagPick % tags.length, 1);
    const others = allTags.filter((t) => !tags.includes(t));
    if (r.tags === 'add' && others.length > 0) tags = [...tags, others[r.tagPick % others.length]].sort();
    const breaks = r.breaks === 'all' ? [...(named.get(digest) ?? [])].sort() : r.breaks === 'some' && indexes.length ? r.breaksPick.map((p) => indexes[p % indexes.length]) : undefined;
    items.push({ digest, tags, ...(breaks ? { breaks } : {}), verified: r.verified });
  }
  return items;
}

// ---------------------------------------------------------------------------------------------------------------
// 6–7: the pure checks
// ---------------------------------------------------------------------------------------------------------------

interface ChecksCase {
  spec: RepositorySpec;
  snapshot: RepositorySnapshot;
  items: ConfirmedDeletion[];
}

const arbChecksCase: fc.Arbitrary<ChecksCase> = arbRepositorySpec(25).chain((spec) => {
  const tagNames = spec.tags.map(([t]) => t);
  const indexDigests = spec.manifests.filter((m) => m.platforms).map((m) => m.digest);
  const tagged = new Set(spec.tags.map(([, d]) => d));
  return fc
    .record({
      unresolved: rarelyFewOf(tagNames, 2),
      unknownIndexes: rarelyFewOf(indexDigests, 2),
      /** The GETs of untagged (nested) indexes failed, as readSnapshot tolerates. */
      nestedUnread: fc.boolean(),
      recipes: fc.array(arbItemRecipe, { maxLength: 8 }),
    })
    .map(({ unresolved, unknownIndexes, nestedUnread, recipes }) => {
      const unread = nestedUnread ? [...unknownIndexes, ...indexDigests.filter((d) => !tagged.has(d))] : unknownIndexes;
      const snapshot = snapshotOf(spec, unresolved, unread);
      const digests = spec.manifests.map((m) => m.digest);
      return { spec, snapshot, items: itemsFrom(recipes, digests, snapshot, truthOf(spec), indexDigests) };
    });
});

function passing(c: ChecksCase): ConfirmedDeletion[] {
  return checkDeletions(c.items, c.snapshot, 'the plan')
    .filter((v) => !v.skip)
    .map((v) => v.item);
}

/** The indexes tagged in the snapshot that are not among `going`: they stay. */
function stayingAfter(snapshot: RepositorySnapshot, going: ConfirmedDeletion[]): string[] {
  const gone = new Set(going.map((i) => i.digest));
  return taggedIndexes(snapshot).filter((d) => !gone.has(d));
}

/** For each item that passes, the staying indexes naming it (through `platformsOf`) that it does not break. */
function unconfirmedBreaks(c: ChecksCase, going: ConfirmedDeletion[], platformsOf: (index: string) => readonly Platform[] | undefined): string[] {
  const named = namedBy(stayingAfter(c.snapshot, going), platformsOf);
  return going.flatMap((item) => [...(named.get(item.digest) ?? [])].filter((index) => !item.breaks?.includes(index)).map((index) => `${item.digest} would break staying ${index}`));
}

const pure = { seed: SEED, numRuns: PURE_RUNS };

describe('executor checks: properties (generated snapshots)', function () {
  this.timeout(60_000);

  // A confirmed image goes only if the tags on it now are exactly those the user was shown, and no tag anywhere is
  // unresolved (an unresolved tag might point at it).
  it('6. lets an item pass only if no tag is unresolved and exactly its confirmed tags are on its digest', () => {
    fc.assert(
      fc.property(arbChecksCase, (c) => {
        const going = passing(c);
        if (going.length > 0) assert.equal(c.snapshot.unresolved.size, 0, 'something passed while a tag is unresolved');
        const byDigest = tagsByDigest(c.snapshot);
        for (const item of going) assert.ok(sameSet(byDigest.get(item.digest) ?? [], item.tags), `${item.digest} passed with tags ${item.tags} but carries ${byDigest.get(item.digest)}`);
      }),
      pure,
    );
  });

  // A platform manifest of a multi-arch image that stays goes only with that break confirmed; while the platforms of
  // a staying index are unknown, nothing goes.
  it('6. lets an item pass only if every staying index that names it (through nested indexes read) is in its breaks, and nothing while a staying index is unread', () => {
    fc.assert(
      fc.property(arbChecksCase, (c) => {
        const going = passing(c);
        const unread = stayingAfter(c.snapshot, going).filter((i) => !c.snapshot.children.has(i));
        if (unread.length > 0) assert.deepEqual(going, [], `the platforms of staying ${unread} are unknown, yet items pass`);
        assert.deepEqual(unconfirmedBreaks(c, going, (i) => c.snapshot.children.get(i)), []);
      }),
      pure,
    );
  });

  // The checks are not merely cautious: without unresolved tags or indexes, every exactly-confirmed image goes.
  it('6b. lets every exactly-confirmed item pass when nothing is unresolved and no index is tagged', () => {
    const plain = arbChecksCase.filter((c) => c.snapshot.unresolved.size === 0 && taggedIndexes(c.snapshot).length === 0);
    fc.assert(
      fc.property(plain, (c) => {
        const byDigest = tagsByDigest(c.snapshot);
        const expected = c.items.filter((i) => sameSet(byDigest.get(i.digest) ?? [], i.tags));
        assert.deepEqual(passing(c), expected);
      }),
      { ...pure, numRuns: 200 },
    );
  });

  // As 6, against the real graph: an index nested in a staying one whose platforms could not be read (readSnapshot
  // tolerates a failed GET) might name the image. FAILS today: see the report (referencedByStaying counts an index
  // as unknown only at the top level).
  it('6c. never lets an item pass that a staying index really names, even through a nested index whose platforms were not read', () => {
    fc.assert(
      fc.property(arbChecksCase, (c) => {
        assert.deepEqual(unconfirmedBreaks(c, passing(c), truthOf(c.spec)), []);
      }),
      pure,
    );
  });

  // Lost tags are exactly those that were there before, were not confirmed, and are gone after; a tag that could not
  // be read after is reported as unknown, never as lost; a tag still there is never reported.
  it('7. findLostTags reports exactly the tags of before, not removed, gone from after; unresolved ones as unknown', () => {
    const answer = fc.constantFrom<'absent' | 'same' | 'moved' | 'unresolved'>('absent', 'same', 'same', 'moved', 'unresolved');
    const arbLostCase = fc.uniqueArray(fc.record({ tag: arbTagName, before: fc.option(fc.nat(5), { nil: undefined }), after: answer, removed: fc.boolean() }), {
      selector: (t) => t.tag,
      maxLength: 25,
    });
    fc.assert(
      fc.property(arbLostCase, (rows) => {
        const snap = (tags: [string, string][], unresolved: string[] = []): RepositorySnapshot =>
          snapshotOf({ manifests: [], tags: [...tags, ...unresolved.map((t): [string, string] => [t, digestNo(99)])] }, unresolved);
        const before = snap(rows.filter((r) => r.before !== undefined).map((r) => [r.tag, digestNo(r.before!)]));
        const after = snap(
          rows.filter((r) => r.after === 'same' || r.after === 'moved').map((r) => [r.tag, digestNo(r.after === 'same' ? (r.before ?? 0) : 7)]),
          rows.filter((r) => r.after === 'unresolved').map((r) => r.tag),
        );
        const removed = new Set(rows.filter((r) => r.removed).map((r) => r.tag));
        const { lost, unknown } = findLostTags(before, after, removed);
        const candidates = rows.filter((r) => r.before !== undefined && !r.removed);
        const expectLost = candidates.filter((r) => r.after === 'absent').map((r) => `${r.tag}@${digestNo(r.before!)}`);
        const expectUnknown = candidates.filter((r) => r.after === 'unresolved').map((r) => r.tag);
        assert.deepEqual(lost.map((l) => `${l.tag}@${l.digest}`).sort(), expectLost.sort());
        assert.deepEqual([...unknown].sort(), expectUnknown.sort());
        for (const l of lost) assert.ok(!after.tags.has(l.tag) && !after.unresolved.has(l.tag), `${l.tag} is still there but reported lost`);
      }),
      pure,
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------
// 8: the executor against the model, with other people acting during the run
// ---------------------------------------------------------------------------------------------------------------

/** A tag an action names: one that exists when it runs (by position), one of the confirmed tags (pushed again), or a new name. */
type TagRef = { existing: number } | { confirmed: number } | { name: string };

/** What other people (and the registry's failures) do. Positions are taken modulo what exists when the action runs. */
type OtherAction =
  | { kind: 'push-tag'; tag: TagRef; target: number | 'this' } // push or move a tag onto an existing manifest ('this': the one the call is about)
  | { kind: 'untag'; tag: number }
  | { kind: 'push-image'; tag: TagRef; platforms: number[] } // a new image, or an index when platforms are given
  | { kind: 'delete-image'; target: number }
  | { kind: 'fail-resolve'; tag: number }
  | { kind: 'fail-list' }
  | { kind: 'fail-manifest'; target: number }
  | { kind: 'fail-delete'; code: FailureCode }
  | { kind: 'cancel' }
  | { kind: 'stall' }; // the call takes long: real time passes (so that a short freshness bound ends a stretch)

const arbTagRef: fc.Arbitrary<TagRef> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ existing: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ confirmed: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ name: arbTagName }) },
);

const arbOtherAction: fc.Arbitrary<OtherAction> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('push-tag' as const), tag: arbTagRef, target: fc.oneof(fc.nat(), fc.constant('this' as const)) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('untag' as const), tag: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('push-image' as const), tag: arbTagRef, platforms: fc.array(fc.nat(), { maxLength: 2 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete-image' as const), target: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('fail-resolve' as const), tag: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('fail-list' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('fail-manifest' as const), target: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('fail-delete' as const), code: fc.constantFrom<FailureCode>('SERVER', 'SERVER', 'DELETE_DISABLED') }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const) }) },
);

/** An action at the start of the n-th call (from the executor's start) of a kind. */
interface Scheduled {
  kind: CallKind;
  n: number;
  action: OtherAction;
}

/** Mostly right before a DELETE (the window that matters), also during the reads. */
const arbScheduled: fc.Arbitrary<Scheduled> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant<CallKind>('deleteManifest'), n: fc.nat(3), action: arbOtherAction }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant<CallKind>('listTags'), n: fc.nat(2), action: arbOtherAction }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant<CallKind>('resolveTag'), n: fc.nat(30), action: arbOtherAction }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant<CallKind>('getManifest'), n: fc.nat(6), action: arbOtherAction }) },
);

interface ModelCase {
  spec: RepositorySpec;
  /** Where the confirmed items come from: a prune plan of the first read, or picked (and maybe stale) from it. */
  source: { kind: 'plan'; policy: PrunePolicy } | { kind: 'pick'; recipes: ItemRecipe[] };
  /** What other people do between the read the user confirmed from and the executor's start. */
  between: OtherAction[];
  /** What they do during the run. */
  during: Scheduled[];
  confirmation: ExecuteOptions['confirmation'];
  /** Whether the executor is given the snapshot the user confirmed from. */
  withSnapshot: boolean;
  concurrency: number;
}

const arbPrunePolicy: fc.Arbitrary<PrunePolicy> = fc.record({
  range: fc.constantFrom('*', '<2.0.0', '1.x'),
  keep: fc.integer({ min: 0, max: 2 }),
  includePrerelease: fc.boolean(),
  protect: fc.constantFrom(undefined, [], ['^stable$']),
});

const arbModelCase: fc.Arbitrary<ModelCase> = fc.record({
  spec: arbRepositorySpec(20),
  source: fc.oneof(
    fc.record({ kind: fc.constant('plan' as const), policy: arbPrunePolicy }),
    fc.record({ kind: fc.constant('pick' as const), recipes: fc.array(arbItemRecipe, { minLength: 1, maxLength: 6 }) }),
  ),
  between: fc.array(arbOtherAction, { maxLength: 3 }),
  during: fc.array(arbScheduled, { maxLength: 6 }),
  confirmation: fc.constantFrom<ExecuteOptions['confirmation']>('interactive', 'pre-approved'),
  withSnapshot: fc.boolean(),
  concurrency: fc.integer({ min: 1, max: 4 }),
});

/** What an action acts on, resolved when it runs. */
interface World {
  model: ModelRegistry;
  /** The confirmed digests first, so that tags are often moved onto images being deleted. */
  itemDigests: string[];
  /** The confirmed tags. */
  itemTags: string[];
  abort: AbortController;
  /** The digest or tag the call an action runs at is about. */
  subject?: string;
}

function pickTag(model: ModelRegistry, n: number): string | undefined {
  const tags = [...model.tagMap().keys()];
  return tags.length ? tags[n % tags.length] : undefined;
}

function tagName(w: World, ref: TagRef): string | undefined {
  if ('name' in ref) return ref.name;
  if ('confirmed' in ref) return w.itemTags.length ? w.itemTags[ref.confirmed % w.itemTags.length] : undefined;
  return pickTag(w.model, ref.existing);
}

function pickManifest(w: World, n: number, filter: (digest: string) => boolean = () => true): string | undefined {
  const present = [...w.model.present].sort();
  const list = [...w.itemDigests.filter((d) => w.model.present.has(d)), ...present].filter(filter);
  return list.length ? list[n % list.length] : undefined;
}

/** Blocks for `ms` of real time (the executor reads the clock itself; there is no clock to inject). */
function busyWait(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // spin
  }
}

function apply(w: World, a: OtherAction): void {
  const { model } = w;
  switch (a.kind) {
    case 'push-tag': {
      const ontoSubject = a.target === 'this' && w.subject !== undefined && model.present.has(w.subject);
      const target = ontoSubject ? w.subject : pickManifest(w, a.target === 'this' ? 0 : a.target);
      const tag = tagName(w, a.tag);
      if (tag && target) model.otherPushTag(tag, target);
      return;
    }
    case 'untag': {
      const tag = pickTag(model, a.tag);
      if (tag) model.otherUntag(tag);
      return;
    }
    case 'push-image': {
      const tag = tagName(w, a.tag);
      const images = [...model.present].filter((d) => !model.isIndexDigest(d)).sort();
      const platforms = images.length && a.platforms.length ? [...new Set(a.platforms.map((p) => images[p % images.length]))] : [];
      if (tag) model.otherPushImage(tag, platforms.length ? platforms.map((digest, i) => ({ os: 'linux', architecture: `arch${i}`, digest, mediaType: model.contents.get(digest)!.mediaType })) : undefined);
      return;
    }
    case 'delete-image': {
      const target = pickManifest(w, a.target);
      if (target) model.otherDeleteManifest(target);
      return;
    }
    case 'fail-resolve': {
      const tag = pickTag(model, a.tag);
      if (tag) model.failNextResolve(tag);
      return;
    }
    case 'fail-list':
      return model.failNextList();
    case 'fail-manifest': {
      const target = pickManifest(w, a.target, (d) => model.isIndexDigest(d));
      if (target) model.failNextManifest(target);
      return;
    }
    case 'fail-delete':
      return model.failNextDelete(a.code);
    case 'cancel':
      model.others.push(`@${model.seq} cancel`);
      return w.abort.abort();
    case 'stall':
      model.others.push(`@${model.seq} stall ${STALL_MS} ms`);
      return busyWait(STALL_MS);
  }
}

/** Runs the scheduled actions as the model's calls reach them (counted from when the hook is installed). */
function scheduler(w: World, during: Scheduled[]): (kind: CallKind, n: number, subject?: string) => void {
  const base = new Map<CallKind, number>((['listTags', 'resolveTag', 'resolve', 'getManifest', 'deleteManifest'] as CallKind[]).map((k) => [k, w.model.count(k)]));
  return (kind, n, subject) => {
    for (const s of during) if (s.kind === kind && s.n === n - base.get(kind)!) apply({ ...w, subject }, s.action);
  };
}

function confirmedItems(c: ModelCase, first: RepositorySnapshot, model: ModelRegistry): ConfirmedDeletion[] {
  if (c.source.kind === 'plan') {
    // As executePrune does: the plan's deletions, oldest first.
    return plannedDeletions(planPrune(tagStates(first), c.source.policy, { children: first.children })).reverse();
  }
  const indexes = [...model.contents.values()].filter((m) => m.platforms).map((m) => m.digest);
  return itemsFrom(c.source.recipes, [...model.present].sort(), first, (i) => model.contents.get(i)?.platforms, indexes);
}

/** One run: the user's read, items confirmed from it, other people's actions, the executor. */
interface Run {
  c: ModelCase;
  model: ModelRegistry;
  first: RepositorySnapshot;
  items: ConfirmedDeletion[];
  /** The model's sequence number when the executor started. */
  start: number;
  maxStalenessMs: number;
  result: DeletionResult;
  events: DeletionProgress[];
}

async function runModelCase(c: ModelCase, maxStalenessMs = 60_000, maxLists = 200): Promise<Run> {
  const model = new ModelRegistry(c.spec, MODEL_REPOSITORY, maxLists);
  const first = await readSnapshot(model, MODEL_REPOSITORY);
  const items = confirmedItems(c, first, model);
  const w: World = { model, itemDigests: items.map((i) => i.digest), itemTags: [...new Set(items.flatMap((i) => i.tags))].sort(), abort: new AbortController() };
  for (const a of c.between) apply(w, a);
  const start = model.seq;
  model.hook = scheduler(w, c.during);
  const events: DeletionProgress[] = [];
  const result = await executeDeletions(model, MODEL_REPOSITORY, items, {
    confirmation: c.confirmation,
    snapshot: c.withSnapshot ? first : undefined,
    maxStalenessMs,
    concurrency: c.concurrency,
    signal: w.abort.signal,
    onProgress: (e) => events.push(e),
  });
  model.hook = undefined;
  return { c, model, first, items, start, maxStalenessMs, result, events };
}

/** What the executor knew when it decided: tag → digest, and the tags it could not resolve. */
interface View {
  /** Which read (its listTags sequence number), or 'confirmed' for the snapshot it was given. */
  id: number | 'confirmed';
  tags: Map<string, string>;
  unresolved: Set<string>;
  /** When the read began and ended (ms since the epoch). */
  readAt: number;
  completedAt: number;
}

function viewOfRead(r: ReadRecord): View {
  const tags = new Map<string, string>();
  const unresolved = new Set<string>();
  for (const [tag, a] of r.answers) {
    if (a instanceof Error) unresolved.add(tag);
    else if (a !== 'gone') tags.set(tag, a.digest);
  }
  return { id: r.startSeq, tags, unresolved, readAt: r.at, completedAt: r.endAt ?? r.at };
}

function viewOfSnapshot(s: RepositorySnapshot): View {
  return { id: 'confirmed', tags: new Map([...s.tags].map(([t, i]) => [t, i.digest])), unresolved: new Set(s.unresolved.keys()), readAt: s.readAt, completedAt: s.completedAt };
}

/** The reads the executor made (complete or not), in order. */
function executorReads(run: Run): ReadRecord[] {
  return run.model.reads.filter((r) => r.startSeq > run.start);
}

/**
 * The state the executor decided a DELETE on: its last complete read before the DELETE, or, when it made none,
 * the snapshot it was given — only for a pre-approved run (after a person confirmed, the tags are always read
 * again first, so an interactive run that deletes without a read of its own has no state: a violation).
 */
function viewBefore(run: Run, d: DeleteRecord): View | undefined {
  const last = executorReads(run)
    .filter((r) => r.endSeq !== undefined && r.endSeq < d.seq)
    .at(-1);
  if (last) return viewOfRead(last);
  return run.c.withSnapshot && run.c.confirmation === 'pre-approved' ? viewOfSnapshot(run.first) : undefined;
}

/** The executor's first read after a DELETE: where it looks for lost tags. */
function readAfter(run: Run, d: DeleteRecord): ReadRecord | undefined {
  return executorReads(run).find((r) => r.startSeq > d.seq);
}

function executorDeletes(run: Run): DeleteRecord[] {
  return run.model.deletes.filter((d) => d.seq > run.start);
}

function tagsOn(view: View, digest: string): string[] {
  return [...view.tags].filter(([, d]) => d === digest).map(([t]) => t);
}

function describeRun(run: Run): string {
  return [
    `items: ${JSON.stringify(run.items)}`,
    `others: ${run.model.others.join('; ') || 'none'}`,
    `deletes: ${executorDeletes(run)
      .map((d) => `@${d.seq} ${d.digest.slice(-4)} ${d.outcome}${d.vanished.length ? ` (took ${d.vanished.join(', ')})` : ''}`)
      .join('; ')}`,
    `reads at: ${executorReads(run)
      .map((r) => r.startSeq)
      .join(', ')}`,
    `result: ${JSON.stringify({ ...run.result, skipped: run.result.skipped.map((s) => `${s.digest.slice(-4)}: ${s.reason}`) })}`,
  ].join('\n');
}

// ---- The guarantee, clause by clause. Each returns the violations it finds (empty: holds). ----

/** Every DELETE is of a confirmed item, decided on a state with no unresolved tag and exactly the item's tags on it. */
function deletedOnlyWhatWasConfirmed(run: Run): string[] {
  const out: string[] = [];
  for (const d of executorDeletes(run)) {
    const item = run.items.find((i) => i.digest === d.digest);
    const view = viewBefore(run, d);
    if (!item) out.push(`DELETE of ${d.digest}, which was not confirmed`);
    else if (!view) out.push(`DELETE of ${d.digest} without any read of the tags`);
    else if (view.unresolved.size > 0) out.push(`DELETE of ${d.digest} decided while ${[...view.unresolved]} were unresolved`);
    else if (!sameSet(tagsOn(view, d.digest), item.tags)) out.push(`DELETE of ${d.digest} confirmed with [${item.tags}] but read with [${tagsOn(view, d.digest)}]`);
  }
  return out;
}

/**
 * A tag the executor read pointing elsewhere, that another person then moved onto an image the executor deleted,
 * and that went with it, is reported lost (or the search for lost tags says it could not be done). Allowed to stay
 * invisible: a tag the executor never read (pushed after its read: the documented window); a tag re-pushed before
 * the executor looked again (it is there); a tag the user confirmed deleting with another image deleted in the same
 * stretch (the executor expects it to vanish and cannot tell with which image it went).
 */
function lostTagsReported(run: Run): string[] {
  const out: string[] = [];
  const deleted = new Set(run.result.deleted);
  for (const d of executorDeletes(run)) {
    const view = viewBefore(run, d);
    if (!view) continue;
    const sameStretch = executorDeletes(run).filter((o) => viewBefore(run, o)?.id === view.id && deleted.has(o.digest));
    const removed = new Set(sameStretch.flatMap((o) => run.items.find((i) => i.digest === o.digest)?.tags ?? []));
    const next = readAfter(run, d);
    for (const tag of d.vanished) {
      const was = view.tags.get(tag);
      if (was === undefined || was === d.digest || removed.has(tag)) continue;
      const answer = next?.answers.get(tag);
      if (answer && answer !== 'gone' && !(answer instanceof Error)) continue; // re-pushed before the next read
      // Could not look: the read after failed (any note will do), or this tag could not be read (the note names it).
      const note = run.result.lostTagsUnchecked;
      if (note !== undefined && (next?.endSeq === undefined || (answer instanceof Error && note.includes(tag)))) continue;
      if (!run.result.lostTags.some((l) => l.tag === tag && l.digest === was)) out.push(`${tag} (read on ${was}) was moved onto ${d.digest}, deleted with it, and not reported`);
    }
  }
  return out;
}

/** No manifest that a staying index names (truly, through nested indexes) was deleted unless its item breaks that index. */
function noStayingIndexBroken(run: Run): string[] {
  const out: string[] = [];
  const { model } = run;
  const indexes = [...model.contents.values()].filter((m) => m.platforms).map((m) => m.digest);
  const named = namedBy(indexes, (i) => model.contents.get(i)?.platforms);
  for (const d of executorDeletes(run).filter((x) => x.outcome === 'deleted')) {
    const view = viewBefore(run, d);
    if (!view) continue; // reported by deletedOnlyWhatWasConfirmed
    const item = run.items.find((i) => i.digest === d.digest);
    for (const index of named.get(d.digest) ?? []) {
      const taggedWhenRead = [...view.tags.values()].includes(index);
      const staysTagged = model.present.has(index) && model.tagsOn(index).length > 0;
      if (taggedWhenRead && staysTagged && !item?.breaks?.includes(index)) {
        out.push(`${d.digest} was deleted but the index ${index} (${model.tagsOn(index)}) that names it stays: now broken`);
      }
    }
  }
  return out;
}

/**
 * The freshness bound: no DELETE starts on a state read more than the bound earlier (or, after a read that took over
 * half the bound, more than half the bound after it ended). FRESHNESS_SLACK_MS covers the clock ticking between the
 * executor's check and the model's.
 */
function freshWhenDeleted(run: Run): string[] {
  const out: string[] = [];
  const bound = run.maxStalenessMs;
  for (const d of executorDeletes(run)) {
    const view = viewBefore(run, d);
    if (!view) continue;
    const until = Math.max(view.readAt + bound, view.completedAt + bound / 2);
    if (d.at > until + FRESHNESS_SLACK_MS) out.push(`DELETE of ${d.digest} ${d.at - view.readAt} ms after the read it was decided on (bound ${bound} ms)`);
  }
  return out;
}

/** Every item is exactly once deleted, skipped or failed; the progress events count to items.length; the registry agrees. */
function accountingHolds(run: Run): string[] {
  const out: string[] = [];
  const { result, items, events, model } = run;
  const outcomes = [...result.deleted, ...result.skipped.map((s) => s.digest), ...result.failed.map((f) => f.digest)];
  if (!sameSet(outcomes, items.map((i) => i.digest)) || outcomes.length !== items.length) out.push(`outcomes ${outcomes} ≠ items ${items.map((i) => i.digest)}`);
  if (!result.alreadyGone.every((d) => result.deleted.includes(d))) out.push('alreadyGone ⊄ deleted');
  if (events.length !== items.length) out.push(`${events.length} progress events for ${items.length} items`);
  events.forEach((e, i) => {
    if (e.done !== i + 1 || e.total !== items.length) out.push(`progress event ${i} says ${e.done}/${e.total}`);
  });
  const deletes = executorDeletes(run);
  for (const d of deletes.filter((x) => x.outcome === 'deleted')) if (!result.deleted.includes(d.digest)) out.push(`${d.digest} was deleted but not reported deleted`);
  for (const digest of result.deleted) {
    if (model.present.has(digest)) out.push(`${digest} reported deleted but still there`);
    if (!deletes.some((d) => d.digest === digest && d.outcome !== 'failed')) out.push(`${digest} reported deleted without a DELETE`);
  }
  if (new Set(deletes.map((d) => d.digest)).size !== deletes.length) out.push('a digest was DELETEd twice');
  return out;
}

function checkGuarantee(run: Run, clauses: ((run: Run) => string[])[]): void {
  const violations = clauses.flatMap((clause) => clause(run));
  assert.deepEqual(violations, [], `${violations.join('\n')}\n${describeRun(run)}`);
}

const modelParams = { seed: SEED, numRuns: MODEL_RUNS };

describe('the executor against a model registry, with other people acting during the run', function () {
  this.timeout(120_000);

  // Nothing is deleted that was not confirmed, nor on a state that differed from what was confirmed; every item ends
  // once as deleted, skipped or failed, with one progress event each; the registry agrees with the result.
  it('8. deletes only confirmed items whose tags it read exactly so; every item is accounted for once', async () => {
    await fc.assert(
      fc.asyncProperty(arbModelCase, async (c) => checkGuarantee(await runModelCase(c), [deletedOnlyWhatWasConfirmed, accountingHolds])),
      modelParams,
    );
  });

  // A tag the executor read pointing elsewhere, moved onto an image just before it was deleted and gone with it, is in
  // lostTags (a tag pushed after the executor's read may go unseen: the documented window).
  it('8. reports every tag it read elsewhere that was moved onto an image it deleted and went with it', async () => {
    await fc.assert(
      fc.asyncProperty(arbModelCase, async (c) => checkGuarantee(await runModelCase(c), [lostTagsReported])),
      modelParams,
    );
  });

  // A staying multi-arch image is never left naming a deleted manifest unless the user confirmed that break.
  // FAILS today: the check lets a platform manifest go because its index is going too, and the index's own DELETE
  // may then fail, be cancelled or be skipped in a later stretch (see the report).
  it('8. never leaves a staying multi-arch image broken: no platform manifest of an index that stays is deleted without its break confirmed', async () => {
    await fc.assert(
      fc.asyncProperty(arbModelCase, async (c) => checkGuarantee(await runModelCase(c), [noStayingIndexBroken])),
      modelParams,
    );
  });

  // The same guarantee across stretches: a short bound ends a stretch after a stalled DELETE, the executor reads
  // again, re-checks what is left and looks for lost tags per stretch; no DELETE acts on a read older than the bound.
  // (The broken-index clause is left to the property above: it fails there already, for the same reason.)
  it('8b. deletes only what was confirmed, on fresh reads, reports lost tags and accounts for every item when a short freshness bound splits the run into stretches (real time passes)', async () => {
    // Early stalls and few workers, so that deletes are left for a second (and third) stretch.
    const stalls = fc.array(fc.record({ kind: fc.constant<CallKind>('deleteManifest'), n: fc.nat(2), action: fc.constant<OtherAction>({ kind: 'stall' }) }), { minLength: 1, maxLength: 2 });
    // A confirmed tag pushed again after its image went, then moved onto an image deleted in a later stretch.
    const repushes = fc
      .array(fc.record({ k: fc.nat(), first: fc.nat(2), gap: fc.integer({ min: 1, max: 3 }), target: fc.nat() }), { maxLength: 2 })
      .map((rs) =>
        rs.flatMap(({ k, first, gap, target }): Scheduled[] => [
          { kind: 'deleteManifest', n: first, action: { kind: 'push-tag', tag: { confirmed: k }, target } },
          { kind: 'deleteManifest', n: first + gap, action: { kind: 'push-tag', tag: { confirmed: k }, target: 'this' } },
        ]),
      );
    const withStalls = fc
      .tuple(arbModelCase, stalls, repushes, fc.integer({ min: 1, max: 2 }))
      .map(([c, s, r, concurrency]) => ({ ...c, during: [...c.during, ...s, ...r], concurrency }));
    await fc.assert(
      fc.asyncProperty(withStalls, async (c) => checkGuarantee(await runModelCase(c, SHORT_BOUND_MS), [deletedOnlyWhatWasConfirmed, lostTagsReported, accountingHolds, freshWhenDeleted])),
      { seed: SEED, numRuns: STRETCH_RUNS },
    );
  });

  // The executor ends, whatever the bound. FAILS today for maxStalenessMs 0 (regx --max-staleness 0): a stretch ends
  // before its first DELETE, and the executor reads again forever (the model stops answering after 25 reads).
  it('8c. ends, with a bounded number of reads, whatever the freshness bound (0 included)', async () => {
    const quiet = arbModelCase.map((c) => ({ ...c, during: [], between: [] }));
    await fc.assert(
      fc.asyncProperty(quiet, fc.constantFrom(0, 60_000), async (c, bound) => {
        const run = await runModelCase(c, bound, 25);
        assert.ok(run.result.reads <= run.items.length + 2, `${run.result.reads} reads for ${run.items.length} items with maxStalenessMs ${bound}\n${describeRun(run)}`);
      }),
      { seed: SEED, numRuns: 40 },
    );
  });
});
