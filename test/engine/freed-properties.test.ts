// Property tests of the space count (src/ops/freed.ts): generated repositories — images sharing blobs, indexes naming
// images and other indexes (a platform image sometimes tagged on its own), manifests that could not be read,
// deletions of listed and unlisted manifests — checked against the invariants in freed.ts's header, with the rule
// written again here, plainly, as the oracle: a manifest is alive when it is listed and not deleted, or an alive index
// names it; a blob is freed when a manifest that goes (deleted, or named by one that goes) references it and no alive
// manifest does. Fixed seed: CI sees the same cases every run.
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { countFreed, countFreedAgain, totalSize, type BlobGraph, type ManifestBlobs } from '../../src/ops/freed';

const SEED = 0x5bace_11;
const RUNS = 500;

interface Case {
  graph: BlobGraph;
  sizes: Map<string, number>;
  doomed: string[];
  /** A superset of `doomed`. */
  more: string[];
}

const arbManifest = fc.record({
  index: fc.oneof({ weight: 3, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  blobs: fc.array(fc.nat(), { maxLength: 5 }),
  children: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
  size: fc.integer({ min: 1, max: 4000 }),
  listed: fc.oneof({ weight: 2, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  readable: fc.oneof({ weight: 9, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  doomed: fc.boolean(),
  moreDoomed: fc.boolean(),
});

const arbCase: fc.Arbitrary<Case> = fc
  .record({
    blobSizes: fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 16 }),
    manifests: fc.array(arbManifest, { minLength: 1, maxLength: 24 }),
    untaggedListed: fc.boolean(),
  })
  .map(({ blobSizes, manifests: specs, untaggedListed }) => {
    const sizes = new Map<string, number>(blobSizes.map((s, i) => [`b${i}`, s]));
    const manifests = new Map<string, ManifestBlobs>();
    const unreadable = new Map<string, string>();
    specs.forEach((m, i) => {
      const digest = `m${i}`;
      sizes.set(digest, m.size);
      // An index names earlier manifests only: content addressing makes cycles impossible.
      const children = m.index && i > 0 ? [...new Set(m.children.map((c) => `m${c % i}`))] : [];
      const blobs = m.index ? [] : [...new Set(m.blobs.map((b) => `b${b % blobSizes.length}`))].map((digest) => ({ digest, size: sizes.get(digest)! }));
      if (m.readable) manifests.set(digest, { size: m.size, blobs, children });
      else unreadable.set(digest, 'could not be read');
    });
    const listed = specs.flatMap((m, i) => (m.listed ? [`m${i}`] : []));
    const doomed = specs.flatMap((m, i) => (m.doomed ? [`m${i}`] : []));
    const more = specs.flatMap((m, i) => (m.doomed || m.moreDoomed ? [`m${i}`] : []));
    return { graph: { repository: 'app', listed, manifests, unreadable, untaggedListed }, sizes, doomed, more };
  });

/** The oracle: the manifests alive after deleting `doomed`, and the blobs freed, by the plain rule above. */
function oracle(c: Case, doomed: string[]): { alive: Set<string>; freed: Set<string>; unknown: Set<string> } {
  const { graph } = c;
  const gone = new Set(doomed);
  const alive = new Set(graph.listed.filter((d) => !gone.has(d)));
  for (let changed = true; changed; ) {
    changed = false;
    for (const d of [...alive]) {
      for (const child of graph.manifests.get(d)?.children ?? []) {
        if (!alive.has(child)) {
          alive.add(child);
          changed = true;
        }
      }
    }
  }
  const going = new Set([...gone].filter((d) => !alive.has(d)));
  for (let changed = true; changed; ) {
    changed = false;
    for (const d of [...going]) {
      for (const child of graph.manifests.get(d)?.children ?? []) {
        if (!alive.has(child) && !going.has(child)) {
          going.add(child);
          changed = true;
        }
      }
    }
  }
  const refs = (d: string): string[] => (graph.manifests.has(d) ? [d, ...graph.manifests.get(d)!.blobs.map((b) => b.digest)] : []);
  const aliveBlobs = new Set([...alive].flatMap(refs));
  const freed = new Set([...going].flatMap(refs).filter((b) => !aliveBlobs.has(b)));
  return { alive, freed, unknown: new Set([...going].filter((d) => !graph.manifests.has(d))) };
}

const sum = (c: Case, blobs: Iterable<string>): number => [...blobs].reduce((n, b) => n + c.sizes.get(b)!, 0);

function check<T extends unknown[]>(property: fc.IProperty<T>): void {
  fc.assert(property, { seed: SEED, numRuns: RUNS });
}

describe('space freed: properties of the count (generated repositories)', () => {
  it('counts exactly the blobs only the deleted manifests reference, each once (the oracle)', () => {
    check(
      fc.property(arbCase, (c) => {
        const got = countFreed(c.graph, c.doomed);
        const want = oracle(c, c.doomed);
        assert.equal(got.bytes, sum(c, want.freed));
        assert.equal(got.blobs, want.freed.size);
        assert.deepEqual(new Set(got.unknown), want.unknown);
      }),
    );
  });

  it('never counts a blob a kept manifest references: its size does not change the figure', () => {
    check(
      fc.property(arbCase, fc.nat(), (c, pick) => {
        const { alive } = oracle(c, c.doomed);
        const keptBlobs = [...alive].flatMap((d) => c.graph.manifests.get(d)?.blobs.map((b) => b.digest) ?? []);
        if (keptBlobs.length === 0) return;
        const blob = keptBlobs[pick % keptBlobs.length];
        const grown = new Map([...c.graph.manifests].map(([d, m]) => [d, { ...m, blobs: m.blobs.map((b) => (b.digest === blob ? { ...b, size: b.size + 1_000_000_000 } : b)) }]));
        assert.equal(countFreed({ ...c.graph, manifests: grown }, c.doomed).bytes, countFreed(c.graph, c.doomed).bytes);
      }),
    );
  });

  it('deleting every listed manifest frees every blob they reach, and keeps nothing', () => {
    check(
      fc.property(arbCase, (c) => {
        const got = countFreed(c.graph, c.graph.listed);
        const all = totalSize(c.graph, c.graph.listed);
        assert.equal(got.bytes, all.bytes);
        assert.equal(got.blobs, all.blobs);
        assert.deepEqual(got.keptUnknown, []);
      }),
    );
  });

  it('is monotone: deleting more never frees less', () => {
    check(
      fc.property(arbCase, (c) => {
        const less = countFreed(c.graph, c.doomed);
        const more = countFreed(c.graph, c.more);
        assert.ok(more.bytes >= less.bytes, `${more.bytes} < ${less.bytes}`);
        assert.ok(more.blobs >= less.blobs);
      }),
    );
  });

  it('counts each blob once: a blob named twice, or by several manifests that go, counts once', () => {
    check(
      fc.property(arbCase, (c) => {
        const doubled = new Map([...c.graph.manifests].map(([d, m]) => [d, { ...m, blobs: [...m.blobs, ...m.blobs] }]));
        assert.equal(countFreed({ ...c.graph, manifests: doubled }, c.doomed).bytes, countFreed(c.graph, c.doomed).bytes);
        assert.equal(countFreed(c.graph, [...c.doomed, ...c.doomed]).bytes, countFreed(c.graph, c.doomed).bytes);
      }),
    );
  });

  it('never exceeds the deleted manifests’ whole size; childBytes is part of it; a recount from the graph is the same count', () => {
    check(
      fc.property(arbCase, (c) => {
        const got = countFreed(c.graph, c.doomed);
        assert.ok(got.bytes <= totalSize(c.graph, c.doomed).bytes);
        assert.ok(got.childBytes >= 0 && got.childBytes <= got.bytes);
        const again = countFreedAgain({ ...countFreed(c.graph, c.more), graph: c.graph }, c.doomed);
        assert.deepEqual({ ...again, graph: undefined }, { ...got, graph: undefined });
      }),
    );
  });
});

describe('space freed: worked examples', () => {
  const graph = (manifests: Record<string, ManifestBlobs>, listed: string[]): BlobGraph => ({ repository: 'app', listed, manifests: new Map(Object.entries(manifests)), unreadable: new Map(), untaggedListed: true });
  const image = (size: number, ...blobs: [string, number][]): ManifestBlobs => ({ size, blobs: blobs.map(([digest, s]) => ({ digest, size: s })), children: [] });

  it('two images on one base layer: one frees its own blobs, both free all', () => {
    const g = graph({ a: image(10, ['base', 1000], ['ca', 5], ['la', 100]), b: image(20, ['base', 1000], ['cb', 6], ['lb', 200]) }, ['a', 'b']);
    assert.deepEqual([countFreed(g, ['a']).bytes, countFreed(g, ['a']).blobs], [10 + 5 + 100, 3]);
    assert.deepEqual([countFreed(g, ['a', 'b']).bytes, countFreed(g, ['a', 'b']).blobs], [1000 + 10 + 5 + 100 + 20 + 6 + 200, 7]);
    assert.equal(totalSize(g, ['a']).bytes, 1115);
  });

  it('an index frees its children unless something kept names them; childBytes says how much came from them', () => {
    const g = graph({ i: { size: 7, blobs: [], children: ['x', 'y'] }, x: image(10, ['lx', 100]), y: image(20, ['ly', 200]), k: image(30, ['ly', 200]) }, ['i', 'k', 'y']);
    // y is tagged on its own: it stays; ly is also k's.
    const freed = countFreed(g, ['i']);
    assert.deepEqual([freed.bytes, freed.childBytes, freed.manifests], [7 + 10 + 100, 110, 2]);
    // Deleting a platform image that a kept index names frees nothing: the index still references it.
    assert.equal(countFreed(g, ['y']).bytes, 0);
  });

  it('says what it could not read: a manifest that goes (at least), a kept one (may share)', () => {
    const g: BlobGraph = { ...graph({ a: image(10, ['la', 100]) }, ['a', 'b', 'c']), unreadable: new Map([['b', 'x'], ['c', 'y']]) };
    const freed = countFreed(g, ['a', 'b']);
    assert.deepEqual([freed.bytes, freed.unknown, freed.keptUnknown], [110, ['b'], ['c']]);
  });
});
