// Browser end-to-end: drives the extension in a real VS Code (code-server) through headless Chromium, the way a
// user would. Build first (node scripts/build.mjs). Then:
//   node out/test/e2e/run-e2e.js [--vsix FILE | --link | --extension DIR | --extensions-dir DIR] [--flows FILE.js]
//                                [--no-registry] [--only NAME[,NAME]] [--keep] [--update-screenshots]
// Default: packages the extension with `npm run package` (production bundle + vsce) and installs the .vsix with
// `code-server --install-extension`, as a user would; --vsix installs a given one; --link links the repository
// into the extensions folder instead (fast iteration, not a proof of the package). Flows (./flows.ts, or a module
// given with --flows exporting `flows` and optionally `settings` and `fixture`) run in order in ONE page of ONE
// browser context, so state a flow leaves (settings, secrets in localStorage) is there for the next. A failing
// flow gets a screenshot and the run goes on with the next one. Screenshots go to test-results/. Last line:
// `N passed, N failed`. --update-screenshots also copies the shots flows mark for the README into
// media/screenshots/ (commit them after looking at them).
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { exitCleanlyOnSignals, installVsix, launchBrowser, linkExtension, repoRoot, startCodeServer, type BrowserSession, type CodeServer } from '../support/code-server';
import { prepareHostFixture, type HostFixture } from '../extension/fixture';
import type { TestConfig } from '../extension/host-channel';
import * as defaultFlows from './flows';
import { escapeAll, resultsDir, screenshot, waitForWorkbench } from './vscode-page';
import { checkInstalledFromVsix, packageVsix } from './vsix';
import { flag, has, parseArgs as parseFlags } from '../../src/cli/args';

export interface FlowContext {
  page: Page;
  session: BrowserSession;
  server: CodeServer;
  /** The registries the runner started (URLs, users, passwords, seeded dataset). */
  config: TestConfig;
  /**
   * Saves `test-results/<NN>-<flow>-<name>.png` and returns the path. With `readme`, the same picture is the
   * README's `media/screenshots/<readme>` (copied there when the run is given --update-screenshots).
   */
  shot(name: string, readme?: string): Promise<string>;
  /** Progress line for the log. */
  log(message: string): void;
}

export interface Flow {
  name: string;
  /** A short name for screenshot files (default: the name). */
  slug?: string;
  run(ctx: FlowContext): Promise<void>;
}

/** What a flows module exports. */
export interface FlowsModule {
  flows: Flow[];
  /** User settings for VS Code, computed from the fixture (e.g. the registries to show). */
  settings?(config: TestConfig): Record<string, unknown>;
  /** The registries the flows need (default: test/extension/fixture.ts's `open` and `basic`). */
  fixture?(workspace: string): Promise<HostFixture>;
}

interface Args {
  extensionsDir?: string;
  vsix?: string;
  /** Link the sources (--link / --extension) instead of packaging. */
  link: boolean;
  extension: string;
  flowsFile?: string;
  registries: boolean;
  only?: string;
  keep: boolean;
  updateScreenshots: boolean;
}

function parseArgs(argv: string[]): Args {
  const parsed = parseFlags(argv, {
    'extensions-dir': { value: true },
    vsix: { value: true },
    extension: { value: true },
    link: {},
    flows: { value: true },
    'no-registry': {},
    only: { value: true },
    keep: {},
    'update-screenshots': {},
  });
  if (parsed.positionals.length) throw new Error(`unknown argument ${parsed.positionals[0]}`);
  const path = (name: string): string | undefined => {
    const v = flag(parsed, name);
    return v === undefined ? undefined : resolve(v);
  };
  return {
    extensionsDir: path('extensions-dir'),
    vsix: path('vsix'),
    // --extension names the sources to link instead of packaging.
    extension: path('extension') ?? repoRoot(__dirname),
    link: has(parsed, 'link') || has(parsed, 'extension'),
    flowsFile: path('flows'),
    registries: !has(parsed, 'no-registry'),
    only: flag(parsed, 'only'),
    keep: has(parsed, 'keep'),
    updateScreenshots: has(parsed, 'update-screenshots'),
  };
}

const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

function loadFlows(file: string | undefined): FlowsModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = (file ? require(file) : defaultFlows) as FlowsModule;
  if (!Array.isArray(mod.flows) || mod.flows.length === 0) throw new Error(`${file ?? './flows'} exports no flows`);
  return mod;
}

/** Runs the flows in order; returns [passed, failed]. */
export async function runFlows(flows: Flow[], base: Omit<FlowContext, 'shot' | 'log'>, dir: string, readmeDir?: string): Promise<[number, number]> {
  let passed = 0;
  let failed = 0;
  for (const [i, flow] of flows.entries()) {
    const prefix = `${String(i + 1).padStart(2, '0')}-${flow.slug ?? flow.name}`;
    const ctx: FlowContext = {
      ...base,
      shot: async (name, readme) => {
        const file = await screenshot(base.page, dir, `${prefix}-${name}`);
        if (readme && readmeDir) {
          mkdirSync(readmeDir, { recursive: true });
          copyFileSync(file, join(readmeDir, readme));
        }
        return file;
      },
      log: (m) => console.log(`    ${m}`),
    };
    const t = Date.now();
    try {
      await flow.run(ctx);
      passed++;
      console.log(`  ✔ ${flow.name} (${seconds(t)})`);
    } catch (err) {
      failed++;
      const shot = await screenshot(base.page, dir, `${prefix}-FAILED`).catch(() => '(no screenshot)');
      console.log(`  ✖ ${flow.name} (${seconds(t)})\n    ${(err instanceof Error ? err.stack ?? err.message : String(err)).split('\n').join('\n    ')}\n    screenshot: ${shot}`);
      await escapeAll(base.page).catch(() => undefined); // close menus, pickers and dialogs the flow left open
    }
  }
  return [passed, failed];
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const t0 = Date.now();
  const root = repoRoot(__dirname);
  const dir = resultsDir(root);
  // Screenshots of an earlier run would be mistaken for this one's.
  for (const f of readdirSync(dir)) if (/^\d\d-.+\.png$/.test(f)) rmSync(join(dir, f), { force: true });
  const mod = loadFlows(args.flowsFile);
  // --only a,b: the flows whose slug is listed or whose name contains one of them (later flows may need earlier ones).
  const wanted = args.only?.split(',').filter(Boolean);
  const flows = wanted ? mod.flows.filter((f) => wanted.some((w) => f.slug === w || f.name.includes(w))) : mod.flows;
  if (flows.length === 0) throw new Error(`no flow matches --only ${args.only}`);

  const work = mkdtempSync(join(tmpdir(), 'regx-e2e-'));
  const workspace = join(work, 'workspace');
  mkdirSync(workspace);
  exitCleanlyOnSignals(() => {
    if (!args.keep) rmSync(work, { recursive: true, force: true });
  });
  const extensionsDir = args.extensionsDir ?? join(work, 'extensions');
  if (!args.extensionsDir) {
    if (args.link) {
      linkExtension(args.extension, extensionsDir);
      console.log(`[e2e] linked ${args.extension} (not packaged)`);
    } else {
      const vsix = args.vsix ?? packageVsix(root, (m) => console.log(`[e2e] ${m}`));
      installVsix(vsix, extensionsDir);
      checkInstalledFromVsix(root, extensionsDir);
      console.log(`[e2e] installed ${vsix.slice(vsix.lastIndexOf('/') + 1)} with --install-extension (${seconds(t0)})`);
    }
  }
  // The machine's own docker logins must not leak into the run: an empty docker config folder.
  const dockerConfig = join(work, 'docker-config');
  mkdirSync(dockerConfig);

  let fixture: HostFixture | undefined;
  let server: CodeServer | undefined;
  let session: BrowserSession | undefined;
  try {
    fixture = args.registries && mod.fixture ? await mod.fixture(workspace) : await prepareHostFixture(workspace, { registries: args.registries });
    console.log(`[e2e] registries: ${Object.entries(fixture.config.registries).map(([k, r]) => `${k} ${r.host}`).join(', ') || 'none'} (${seconds(t0)})`);
    server = await startCodeServer({ workspace, extensionsDir, settings: mod.settings?.(fixture.config), keep: args.keep, extraEnv: { DOCKER_CONFIG: dockerConfig } });
    console.log(`[e2e] code-server on ${server.origin}, extensions from ${extensionsDir} (${seconds(t0)})`);
    // A laptop-sized window: the screenshots double as the README's.
    session = await launchBrowser({ viewport: { width: 1280, height: 800 } });
    // Copy commands write the browser clipboard; the flows read it back.
    await session.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.origin });
    const page = await session.context.newPage();
    await page.goto(server.url);
    await waitForWorkbench(page);
    const readmeDir = args.updateScreenshots ? join(root, 'media', 'screenshots') : undefined;
    const [passed, failed] = await runFlows(flows, { page, session, server, config: fixture.config }, dir, readmeDir);
    if (readmeDir) console.log(`[e2e] README screenshots updated in ${readmeDir}`);
    console.log(`[e2e] screenshots in ${dir}; total ${seconds(t0)}`);
    console.log(`${passed} passed, ${failed} failed`);
    return failed === 0 && passed > 0 ? 0 : 1;
  } finally {
    await session?.close();
    await Promise.all([server?.stop(), fixture?.stop()]);
    if (!args.keep) rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(`[e2e] ${err instanceof Error ? err.message : String(err)}`);
      console.log('0 passed, 1 failed');
      process.exit(1);
    },
  );
}
