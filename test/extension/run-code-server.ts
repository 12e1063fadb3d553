// Runs the extension-host mocha suite inside a REAL VS Code (code-server 1.100.3) driven by headless Chromium.
// Build first (node scripts/build.mjs); this builds nothing. Then:
//   node out/test/extension/run-code-server.js [--extension DIR] [--tests FILE] [--no-registry] [--keep]
//                                              [--timeout SECONDS] [--grep PATTERN]
// The verdict comes from the results file the test entry (index.ts) writes, never from the extension host's
// exit code (code-server reports 0 when tests fail). Prints each failure and a last line `N passed, N failed`;
// exits 1 when anything failed, nothing passed, or no results file appeared.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { ensureCodeServer, exitCleanlyOnSignals, extensionTestUrl, launchBrowser, repoRoot, startCodeServer, type BrowserSession, type CodeServer } from '../support/code-server';
import { prepareHostFixture, type HostFixture } from './fixture';
import { CONFIG_ENV, RESULTS_ENV, readResults, reportResults, writeJsonAtomic, type TestResults } from './host-channel';
import { flag, has, parseArgs as parseFlags } from '../../src/cli/args';

interface Args {
  extension: string;
  tests: string;
  registries: boolean;
  keep: boolean;
  timeoutMs: number;
  grep?: string;
}

function parseArgs(argv: string[]): Args {
  const parsed = parseFlags(argv, { extension: { value: true }, tests: { value: true }, 'no-registry': {}, keep: {}, timeout: { value: true }, grep: { value: true } });
  if (parsed.positionals.length) throw new Error(`unknown argument ${parsed.positionals[0]}`);
  const extension = flag(parsed, 'extension');
  const tests = flag(parsed, 'tests');
  const timeout = flag(parsed, 'timeout');
  return {
    extension: extension ? resolve(extension) : repoRoot(__dirname),
    tests: tests ? resolve(tests) : join(__dirname, 'index.js'),
    registries: !has(parsed, 'no-registry'),
    keep: has(parsed, 'keep'),
    timeoutMs: (timeout ? Number(timeout) : Number(process.env.REGX_HOST_TIMEOUT) || 600) * 1000,
    grep: flag(parsed, 'grep'),
  };
}

const log = (m: string) => console.log(`[host] ${m}`);
const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function checkBuilt(args: Args): void {
  const manifest = join(args.extension, 'package.json');
  if (!existsSync(manifest)) throw new Error(`no extension at ${args.extension} (package.json missing)`);
  const main = (JSON.parse(readFileSync(manifest, 'utf8')) as { main?: string }).main;
  if (main && !existsSync(join(args.extension, main)) && !existsSync(join(args.extension, `${main}.js`))) {
    throw new Error(`${join(args.extension, main)} is missing. Fix: build first (node scripts/build.mjs).`);
  }
  if (!existsSync(args.tests)) throw new Error(`${args.tests} is missing. Fix: build first (node scripts/build.mjs).`);
}

/**
 * The test entry's own lines (`[regx-tests] ...`), which VS Code forwards from the extension host to the page
 * console in development mode as "%c INFO color: #33f [regx-tests] ...".
 */
function hostLine(text: string): string | undefined {
  const marker = '[regx-tests] ';
  const at = text.indexOf(marker);
  if (!text.startsWith('%c') || at < 0) return undefined;
  return text.slice(at + marker.length);
}

/**
 * Waits for a results file at any of `paths`. Fails early when code-server dies or the page crashes.
 */
async function waitForResults(paths: string[], server: CodeServer, state: { crashed?: string }, timeoutMs: number): Promise<{ results: TestResults; path: string }> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const p of paths) {
      const results = readResults(p);
      if (results) return { results, path: p };
    }
    if (state.crashed) throw new Error(`${state.crashed}. code-server log tail:\n${server.logTail(40)}`);
    await sleep(250);
  }
  throw new Error(`no results file after ${timeoutMs / 1000} s (looked at ${paths.join(', ')}): the tests did not finish, ` +
    `or the extension host never started them. code-server log tail:\n${server.logTail(40)}`);
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  checkBuilt(args);
  const t0 = Date.now();
  ensureCodeServer();
  log(`code-server ready (${seconds(t0)})`);

  const work = mkdtempSync(join(tmpdir(), 'regx-host-'));
  const workspace = join(work, 'workspace');
  mkdirSync(workspace);
  const results = join(work, 'results.json');
  const config = join(work, 'test-config.json');
  // The fallback paths beside the test bundle, for when the environment does not reach the extension host.
  const testsDir = dirname(args.tests);
  // (what resultsPath/configPath in host-channel.ts answer without the variables).
  const fallbackResults = join(testsDir, 'results.json');
  const fallbackConfig = join(testsDir, 'test-config.json');
  rmSync(fallbackResults, { force: true });
  exitCleanlyOnSignals(() => {
    rmSync(fallbackConfig, { force: true });
    if (!args.keep) rmSync(work, { recursive: true, force: true });
  });

  let fixture: HostFixture | undefined;
  let server: CodeServer | undefined;
  let browser: BrowserSession | undefined;
  try {
    const t1 = Date.now();
    fixture = await prepareHostFixture(workspace, { registries: args.registries });
    writeJsonAtomic(config, fixture.config);
    writeJsonAtomic(fallbackConfig, fixture.config);
    if (args.registries) log(`registries ${Object.keys(fixture.config.registries).join(', ')} started and seeded (${seconds(t1)})`);

    const t2 = Date.now();
    server = await startCodeServer({
      workspace,
      keep: args.keep,
      extraEnv: {
        [RESULTS_ENV]: results,
        [CONFIG_ENV]: config,
        REGX_TEST_REPORTER: 'lines',
        ...(args.grep ? { REGX_TEST_GREP: args.grep } : {}),
      },
    });
    log(`code-server listening on ${server.origin} (${seconds(t2)})`);

    const t3 = Date.now();
    browser = await launchBrowser();
    const page = await browser.context.newPage();
    const state: { crashed?: string } = {};
    page.on('console', (msg) => {
      if (process.env.REGX_DEBUG_CONSOLE) console.log(`[page ${msg.type()}] ${msg.text()}`);
      const line = hostLine(msg.text());
      if (line !== undefined) console.log(line);
    });
    if (process.env.REGX_DEBUG_CONSOLE) page.on('requestfailed', (r) => console.log(`[page request failed] ${r.url()} ${r.failure()?.errorText}`));
    page.on('crash', () => { state.crashed = 'the browser page crashed'; });
    await page.goto(extensionTestUrl(server, args.extension, args.tests));
    const found = await waitForResults([results, fallbackResults], server, state, args.timeoutMs);
    log(`tests ran in ${seconds(t3)} (results: ${found.path === results ? 'via environment' : 'via the fallback path'})`);
    return reportResults(found.results) ? 0 : 1;
  } finally {
    await browser?.close();
    await Promise.all([server?.stop(), fixture?.stop()]);
    rmSync(fallbackConfig, { force: true });
    if (args.keep) log(`kept ${work}${server ? ` and the code-server folder of ${server.logFile}` : ''}`);
    else rmSync(work, { recursive: true, force: true });
    log(`total ${seconds(t0)}`);
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`[host] ${err instanceof Error ? err.message : String(err)}`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);
