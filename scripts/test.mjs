#!/usr/bin/env node
// `npm test`: system packages, build, typecheck, lint, then every suite against real registries:
// the node suite (engine + CLI), the extension inside a real VS Code (code-server), and the browser e2e.
// Ends with one line `N passed, N failed` over all suites. A skipped (pending) test counts as a failure.
import { spawn, spawnSync } from 'node:child_process';

const only = process.argv.slice(2); // e.g. `npm test -- node host` to run some suites
const totals = { passed: 0, failed: 0 };
const problems = [];

function step(name, cmd, args) {
  process.stdout.write(`\n== ${name}\n`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: process.env });
  if (r.status !== 0) {
    problems.push(`${name} failed (exit ${r.status ?? r.signal})`);
    return false;
  }
  return true;
}

/** Runs a suite, echoing its output, and reads its counts from `N passing/failing/pending` or `N passed, N failed`. */
function suite(name, cmd, args) {
  process.stdout.write(`\n== ${name}\n`);
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      process.stdout.write(d);
    });
    child.stderr.on('data', (d) => process.stderr.write(d));
    child.on('close', (code) => {
      const plain = [...out.matchAll(/^(?:\w+: )?(\d+) passed, (\d+) failed/gm)].pop();
      const passing = /^\s*(\d+) passing/m.exec(out);
      const failing = /^\s*(\d+) failing/m.exec(out);
      const pending = /^\s*(\d+) pending/m.exec(out);
      let passed = 0;
      let failed = 0;
      if (plain) {
        passed = Number(plain[1]);
        failed = Number(plain[2]);
      } else {
        passed = passing ? Number(passing[1]) : 0;
        failed = (failing ? Number(failing[1]) : 0) + (pending ? Number(pending[1]) : 0);
      }
      if (pending) problems.push(`${name}: ${pending[1]} test(s) pending/skipped — skipped tests do not pass`);
      if (code !== 0 && failed === 0) {
        failed = 1;
        problems.push(`${name} exited ${code} without reporting a failing test`);
      } else if (code !== 0 || failed) problems.push(`${name}: ${failed} failed`);
      if (passed === 0 && failed === 0) problems.push(`${name} ran no test`);
      totals.passed += passed;
      totals.failed += failed;
      resolve();
    });
  });
}

const want = (s) => only.length === 0 || only.includes(s);

if (!step('system packages', 'node', ['scripts/ensure-system-deps.mjs', 'docker-registry', 'skopeo', 'apache2-utils', 'openssl', 'chromium', 'ripgrep', 'libkrb5-dev'])) finish();
if (!step('build', 'node', ['scripts/build.mjs'])) finish();
step('typecheck', 'npx', ['tsc', '-p', '.', '--noEmit']);
step('typecheck the Cleanup Preview page', 'npx', ['tsc', '-p', 'src/extension/preview/webview', '--noEmit']);
step('lint', 'npx', ['eslint', 'src', 'test', 'scripts']);

if (want('node')) await suite('node suite (engine, CLI, tree model) against real registries', 'npx', ['mocha', '--config', 'test/engine/.mocharc.json']);
if (want('host')) await suite('extension host suite in code-server', 'node', ['out/test/extension/run-code-server.js']);
if (want('e2e')) await suite('browser end-to-end in code-server', 'node', ['out/test/e2e/run-e2e.js']);
finish();

function finish() {
  if (problems.length) process.stdout.write(`\nProblems:\n${problems.map((p) => `- ${p}`).join('\n')}\n`);
  const failed = totals.failed + (problems.length && totals.failed === 0 ? 1 : 0);
  process.stdout.write(`\n${totals.passed} passed, ${failed} failed\n`);
  process.exit(failed || problems.length ? 1 : 0);
}
