#!/usr/bin/env node
// `npm run demo`: Registry Explorer in a real VS Code in your browser, against a real local registry.
//   1. checks node, the npm dependencies and the Debian packages (and says what to install when one is missing);
//   2. builds, then packages the extension with `npm run package` (registry-explorer-<version>.vsix);
//   3. starts Debian's docker-registry on loopback, seeded with sample repositories (app, team/api, multi-arch
//      `multi`, a 1050-tag `big`), deletion enabled so Delete Image and Prune work;
//   4. installs the .vsix into code-server (installed into .tools/ on first run) with the registry already in the
//      user settings, and prints the URL to open;
//   5. runs until Ctrl-C, then stops everything and removes its temp folders.
// Linux (Debian/Ubuntu) only. Everything listens on 127.0.0.1.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const say = (m) => console.log(`[demo] ${m}`);

function fail(message) {
  console.error(`\n[demo] ${message}\n`);
  process.exit(1);
}

function checkNode() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 18)) fail(`node ${process.versions.node} is too old. Install node 20.18 or newer (e.g. from nodejs.org or your package manager).`);
  for (const p of ['esbuild', '@vscode/vsce', 'undici', 'semver']) {
    if (!existsSync(join(root, 'node_modules', p, 'package.json'))) fail(`the npm dependencies are not installed (no ${p}). Run:  npm ci`);
  }
}

function installed(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

function onPath(bin) {
  return spawnSync('sh', ['-c', `command -v ${bin}`], { encoding: 'utf8' }).status === 0;
}

/** What the demo needs from Debian: the registry always; for the first code-server install what its installer needs. */
function checkSystem() {
  if (process.platform !== 'linux') fail('the demo runs on Linux (Debian or Ubuntu); it needs Debian\'s docker-registry package.');
  if (!onPath('dpkg-query')) fail('the demo needs a Debian-based Linux (dpkg and apt), for the docker-registry package.');
  const missing = [];
  if (!existsSync('/usr/bin/docker-registry')) missing.push('docker-registry');
  const codeServer = spawnSync(process.execPath, [join(root, 'scripts', 'code-server.mjs'), '--check'], { encoding: 'utf8' });
  if (codeServer.status !== 0) {
    // scripts/code-server.mjs installs code-server from npm; its native modules and search need these.
    for (const p of ['libkrb5-dev', 'ripgrep', 'chromium']) if (!installed(p)) missing.push(p);
  }
  if (missing.length > 0) fail(`missing Debian packages: ${missing.join(', ')}. Install them with:\n\n    sudo apt-get install -y ${missing.join(' ')}\n\nthen run  npm run demo  again.`);
  return codeServer.status === 0;
}

function run(what, cmd, args) {
  const started = Date.now();
  const r = spawnSync(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0) {
    process.stderr.write(`${r.stdout ?? ''}${r.stderr ?? ''}`);
    fail(`${what} failed (exit ${r.status ?? r.signal}); see the output above.`);
  }
  say(`${what} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

async function main() {
  checkNode();
  const haveCodeServer = checkSystem();

  // The build puts the test support programs (registry, seed, code-server) in out/; packaging makes the .vsix.
  run('built', process.execPath, ['scripts/build.mjs']);
  const { packageVsix } = require(join(root, 'out/test/e2e/vsix.js'));
  const { startRegistry } = require(join(root, 'out/test/support/registry.js'));
  const { seedStandard } = require(join(root, 'out/test/support/seed.js'));
  const { CODE_SERVER_VERSION, ensureCodeServer, exitCleanlyOnSignals, installVsix, startCodeServer } = require(join(root, 'out/test/support/code-server.js'));
  const vsix = packageVsix(root, say);

  const work = mkdtempSync(join(tmpdir(), 'regx-demo-'));
  exitCleanlyOnSignals(() => rmSync(work, { recursive: true, force: true }));
  const workspace = join(work, 'workspace');
  const extensionsDir = join(work, 'extensions');
  const dockerConfig = join(work, 'docker-config');
  for (const d of [workspace, extensionsDir, dockerConfig]) mkdirSync(d, { recursive: true });
  writeFileSync(join(workspace, 'README.md'), '# Registry Explorer demo\n\nOpen the Registries view in the activity bar (the stacked boxes icon).\n');

  if (!haveCodeServer) say('installing code-server into .tools/code-server (once, about a minute)…');
  ensureCodeServer();
  installVsix(vsix, extensionsDir);
  say(`installed ${vsix.slice(root.length + 1)} into a fresh code-server extensions folder`);

  const registry = await startRegistry({ auth: 'none', deleteEnabled: true });
  const started = Date.now();
  await seedStandard(registry, { big: true });
  say(`registry ${registry.url} seeded (${((Date.now() - started) / 1000).toFixed(1)} s)`);

  const server = await startCodeServer({
    workspace,
    extensionsDir,
    settings: { 'registryExplorer.registries': [{ url: registry.url }] },
    // Your own docker logins stay out of the demo.
    extraEnv: { DOCKER_CONFIG: dockerConfig },
  });

  console.log(`
  Registry Explorer is running in VS Code (code-server ${CODE_SERVER_VERSION}).

    Open:      ${server.url}
    Registry:  ${registry.url}  (no login; repositories app, team/api, multi, big)

  In the browser: click the Registries icon in the activity bar, expand ${registry.host}, then a repository.
  Right-click a tag for Copy Digest, Open Manifest, Delete Image…; F1 → "Registry Explorer: Prune Tags by Semver…".
  Everything is local and thrown away on exit.

  Press Ctrl-C to stop.
`);

  // Stay up until Ctrl-C; if code-server goes away, say so and stop.
  let misses = 0;
  setInterval(async () => {
    try {
      const res = await fetch(`${server.origin}/healthz`, { signal: AbortSignal.timeout(3000) });
      misses = res.ok ? 0 : misses + 1;
    } catch {
      misses++;
    }
    if (misses >= 3) {
      console.error(`[demo] code-server stopped answering. Its log:\n${server.logTail(30)}`);
      process.exit(1);
    }
  }, 5000);
}

main().catch((err) => fail(err instanceof Error ? err.message : String(err)));
