// Applying a retention policy, with generated repositories and generated policies, on a REAL registry (distribution
// 2.8.2): each run pushes a few repositories under a prefix of its own, writes rules (globs, literal names, ranges,
// keep counts) and plans and applies them with the engine (planPolicy, executePolicy). The invariants of src/ops/apply.ts:
//  - exactly the repositories some rule matches are planned, each by the FIRST rule that matches it;
//  - each repository's plan is the planner's plan of that rule on that repository's tags;
//  - after the apply, every repository holds exactly the tags its plan keeps (or skips), and a repository no rule
//    matches holds every tag it had.
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { executePolicy, planPolicy, pruneDeletions } from '../../src/ops';
import { planPrune, type PrunePolicy } from '../../src/prune';
import { repositoryMatches, type PolicyDocument, type PolicyRule } from '../../src/policy';
import { createRegistryClient } from '../../src/registry/client';
import type { RegistryClient } from '../../src/registry/types';
import { startRegistry, type TestRegistry } from '../support/registry';
import { pushImage } from '../support/seed';

const SEED = 0x5eed_a991;
const RUNS = 12;

const NAMES = ['api', 'web', 'tools/ci', 'team/api', 'team/web', 'team/x/deep'];
const VERSIONS = ['0.9.0', '1.0.0', '1.1.0', '1.2.0', '2.0.0', 'latest'];

interface Case {
  repos: { name: string; tags: string[] }[];
  rules: { globs: string[]; range: string; keep: number }[];
}

const arbCase: fc.Arbitrary<Case> = fc.record({
  repos: fc.uniqueArray(
    fc.record({ name: fc.constantFrom(...NAMES), tags: fc.subarray(VERSIONS, { minLength: 1 }) }),
    { minLength: 1, maxLength: 4, selector: (r) => r.name },
  ),
  rules: fc.array(
    fc.record({
      globs: fc.array(fc.constantFrom('*', 'team/*', 'team/**', '**', 'api', 'tools/*', 'ghost', 'te?m/web'), { minLength: 1, maxLength: 2 }),
      range: fc.constantFrom('<2.0.0', '*', '1.x'),
      keep: fc.integer({ min: 0, max: 2 }),
    }),
    { minLength: 1, maxLength: 3 },
  ),
});

describe('applying a retention policy (properties, generated repositories and policies, real registry)', function () {
  this.timeout(180_000);
  let reg: TestRegistry;
  let client: RegistryClient;
  let run = 0;

  before(async () => {
    reg = await startRegistry({ auth: 'none' });
    client = createRegistryClient({ url: reg.url });
  });
  after(async () => {
    await client?.close();
    await reg?.stop();
  });

  /** Tag → digest of a repository over plain HTTP ({} when it has no tags). */
  async function tagsNow(repo: string): Promise<string[]> {
    const res = await fetch(`${reg.url}/v2/${repo}/tags/list`);
    if (res.status === 404) return [];
    return [...(((await res.json()) as { tags: string[] | null }).tags ?? [])].sort();
  }

  it('plans each repository by its first matching rule, exactly as the planner would, and the apply leaves exactly what the plans keep', async () => {
    await fc.assert(
      fc.asyncProperty(arbCase, async (c) => {
        const prefix = `run${++run}`;
        for (const r of c.repos) for (const tag of r.tags) await pushImage(reg, `${prefix}/${r.name}`, [tag], { salt: `${prefix}/${r.name}:${tag}` });
        const rules: PolicyRule[] = c.rules.map((r, index) => ({
          index,
          line: index * 5 + 2,
          registry: reg.url,
          repositories: r.globs.map((g) => `${prefix}/${g}`),
          tags: { range: r.range, keep: r.keep } as PrunePolicy,
          untagged: 'keep',
          referrers: 'follow',
        }));
        const document: PolicyDocument = { file: 'registry-retention.yaml', rules };
        const plan = await planPolicy(document, { clientFor: async () => client });

        // Only this run's repositories can match (every glob starts with the run's prefix); a literal name that does not
        // exist ("ghost") is planned and reported as unreadable.
        const firstRule = (name: string): PolicyRule | undefined => rules.find((r) => repositoryMatches(r.repositories, name));
        const existing = c.repos.map((r) => `${prefix}/${r.name}`);
        const expected = existing.filter((n) => firstRule(n)).sort();
        const planned = plan.repositories.filter((p) => p.preview).map((p) => p.target.repository).sort();
        assert.deepEqual(planned, expected, 'the repositories planned');
        for (const p of plan.repositories) {
          if (!p.preview) {
            assert.ok(!existing.includes(p.target.repository), `${p.target.repository} exists but was not read: ${p.error?.message}`);
            continue;
          }
          assert.equal(p.target.rule.index, firstRule(p.target.repository)!.index, `${p.target.repository}: the first rule that matches`);
          const alone = planPrune(p.preview.states, p.target.rule.tags!, { repository: p.target.repository, children: p.preview.snapshot.children });
          assert.deepEqual(p.preview.plan.entries.map((e) => [e.tag, e.action]), alone.entries.map((e) => [e.tag, e.action]), `${p.target.repository}: the planner's plan`);
        }

        const outcomes = await executePolicy(plan, { clientFor: async () => client, execute: () => ({ confirmation: 'pre-approved' }) });
        for (const o of outcomes) assert.equal(o.error, undefined, `${o.target.repository}: ${o.error?.message}`);
        for (const r of c.repos) {
          const name = `${prefix}/${r.name}`;
          const p = plan.repositories.find((x) => x.target.repository === name);
          const deleted = new Set(p?.preview ? pruneDeletions(p.preview).flatMap((d) => d.tags) : []);
          assert.deepEqual(await tagsNow(name), r.tags.filter((t) => !deleted.has(t)).sort(), `${name}: what its plan keeps, nothing else`);
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
