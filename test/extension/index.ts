// The extension-host test entry (VS Code's `extensionTestsPath`): runs every out/test/extension/**/*.test.js with
// mocha inside the extension host, where `vscode` is the real API, and ALWAYS writes a results file.
// The host's exit code is not to be trusted (under code-server it is 0 even when tests fail), so runners read
// that file: { passed, failed, pending, failures: [{ title, error }] }.
import { readdirSync } from 'node:fs';
import { join, sep } from 'node:path';
import Mocha from 'mocha';
import { resultsPath, writeJsonAtomic, type TestFailure, type TestResults } from './host-channel';

function findTests(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.test.js') && !f.split(sep).includes('node_modules'))
    .sort()
    .map((f) => join(dir, f));
}

/** Under code-server the host's console reaches the page one call at a time with format strings unapplied, so
 * mocha's own reporters come out garbled there: the runner asks for plain `[regx-tests] ` lines instead. */
const LINES = process.env.REGX_TEST_REPORTER === 'lines';
const say = (line: string) => console.log(`[regx-tests] ${line}`);

class Silent extends Mocha.reporters.Base {}

function describeError(err: unknown): string {
  if (err instanceof Error) return err.stack && err.stack.includes(err.message) ? err.stack : `${err.message}\n${err.stack ?? ''}`;
  return String(err);
}

export async function run(): Promise<void> {
  const results: TestResults = { passed: 0, failed: 0, pending: 0, failures: [] };
  const out = resultsPath(__dirname);
  try {
    const mocha = new Mocha({
      ui: 'bdd',
      color: false,
      reporter: LINES ? Silent : 'spec',
      timeout: Number(process.env.REGX_TEST_TIMEOUT) || 60_000,
      grep: process.env.REGX_TEST_GREP || undefined,
    });
    const files = findTests(__dirname);
    if (files.length === 0) throw new Error(`no *.test.js files under ${__dirname}`);
    for (const f of files) mocha.addFile(f);
    await mocha.loadFilesAsync();
    await new Promise<void>((resolve) => {
      const runner = mocha.run(() => resolve());
      runner.on('pass', (test) => {
        results.passed++;
        if (LINES) say(`  ✔ ${test.fullTitle()} (${test.duration ?? 0} ms)`);
      });
      runner.on('pending', (test) => {
        results.pending++;
        if (LINES) say(`  - ${test.fullTitle()} (pending)`);
      });
      runner.on('fail', (test, err) => {
        results.failed++;
        if (LINES) say(`  ✖ ${test.fullTitle()}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
        const failure: TestFailure = { title: test.fullTitle(), error: describeError(err) };
        results.failures.push(failure);
      });
    });
  } catch (err) {
    // Loading a test file failed (syntax, a throwing top level, a missing module): that is a failure too.
    results.failed++;
    results.failures.push({ title: 'loading the extension-host tests', error: describeError(err) });
  }
  results.finishedAt = new Date().toISOString();
  writeJsonAtomic(out, results);
  say(`${results.passed} passed, ${results.failed} failed, ${results.pending} pending; results in ${out}`);
  // For @vscode/test-electron, whose exit code does mean something: reject so the window exits non-zero.
  if (results.failed > 0) throw new Error(`${results.failed} extension-host test(s) failed`);
  if (results.passed === 0) throw new Error('no extension-host test passed');
}
