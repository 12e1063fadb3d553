// The README's retention-policy section says what users copy: its policy example must be a valid policy, its pipeline
// examples valid YAML, and every `regx apply` line in them must use flags regx knows (run against a policy with a
// problem, so the run stops at the policy — after the flags were accepted — and contacts no registry).
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { parsePolicy } from '../../src/policy';
import { regx, show, useCliScratchHome } from '../support/cli';

const ROOT = resolve(__dirname, '../../..');

function section(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('## Retention policy as code');
  assert.ok(start >= 0, 'the README has the section');
  const end = readme.indexOf('\n## ', start + 10);
  return readme.slice(start, end < 0 ? undefined : end);
}

function yamlBlocks(text: string): string[] {
  return [...text.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]);
}

/** The arguments after `apply` on each line that runs it (shell continuations joined, redirections dropped). */
function applyLines(text: string): string[][] {
  const joined = text.replace(/\\\n\s*/g, ' ');
  return [...joined.matchAll(/\bapply (--[^\n>]*)/g)].map((m) => m[1].trim().split(/\s+/));
}

describe('README: the retention policy examples', function () {
  this.timeout(30_000);
  useCliScratchHome();
  const blocks = yamlBlocks(section());

  it('the policy example is a valid policy with the rules it describes', () => {
    const { document, problems } = parsePolicy(blocks[0], 'registry-retention.yaml');
    assert.deepEqual(problems, []);
    assert.equal(document!.rules.length, 2);
    assert.equal(document!.rules[1].tags, undefined, 'the second rule cleans untagged manifests only');
  });

  it('the pipeline examples are YAML', () => {
    assert.ok(blocks.length >= 3);
    for (const b of blocks.slice(1)) assert.doesNotThrow(() => parse(b));
  });

  it('every regx apply line uses flags regx knows', async () => {
    const lines = applyLines(section());
    assert.ok(lines.length >= 3, `found ${lines.length} apply lines`);
    const dir = mkdtempSync(join(tmpdir(), 'regx-readme-'));
    try {
      writeFileSync(join(dir, 'registry-retention.yaml'), 'rules:\n  - registry: registry.example.com\n    repositories: [app]\n    semver: "<2.0.0"\n    unknownKey: 1\n');
      for (const args of lines) {
        const withFile = args.map((a, i) => (args[i - 1] === '--policy' ? join(dir, a) : a));
        const r = await regx(['apply', ...withFile]);
        assert.equal(r.code, 2, show(r));
        assert.match(r.stderr, /rules\[0\]\.unknownKey/, `stopped at the policy, not at a flag: ${args.join(' ')}\n${show(r)}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
