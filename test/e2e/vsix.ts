// Packaging for the browser e2e and the demo: `npm run package` (production bundle + `vsce package`) exactly as a
// user or a release would run it, and checks on what code-server unpacked from the .vsix.
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

interface Manifest {
  name: string;
  publisher: string;
  version: string;
}

function manifest(root: string): Manifest {
  return JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Manifest;
}

/** `registry-explorer-<version>.vsix` in the project root: where `npm run package` puts it. */
export function vsixPath(root: string): string {
  const m = manifest(root);
  return join(root, `${m.name}-${m.version}.vsix`);
}

/**
 * Runs `npm run package` in `root` and returns the .vsix it made. A stale .vsix is removed first, so a script
 * that writes elsewhere (or fails quietly) is caught. The tool output is shown only when packaging fails.
 */
export function packageVsix(root: string, log: (m: string) => void = () => undefined): string {
  const out = vsixPath(root);
  rmSync(out, { force: true });
  const started = Date.now();
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['run', 'package'], { cwd: root, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' }, timeout: 300_000 });
  if (r.error || r.status !== 0) {
    const output = `${r.stdout ?? ''}${r.stderr ?? ''}`.trimEnd().split('\n').slice(-40).join('\n');
    throw new Error(`npm run package failed (${r.error?.message ?? `exit ${r.status}`}):\n${output}\nFix: run \`npm ci\` first; see the output above.`);
  }
  if (!existsSync(out)) {
    throw new Error(`npm run package succeeded but wrote no ${out}. Fix: the "package" script must write ${out.slice(root.length + 1)} (vsce's default name).`);
  }
  log(`packaged ${out.slice(root.length + 1)} (${(statSync(out).size / 1024).toFixed(0)} KiB) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return out;
}

/**
 * Checks that the extension in `extensionsDir` was unpacked from a .vsix (a real folder, not a link to the
 * sources) and holds the production bundle and none of the sources. Returns the folder.
 */
export function checkInstalledFromVsix(root: string, extensionsDir: string): string {
  const m = manifest(root);
  const id = `${m.publisher}.${m.name}-${m.version}`.toLowerCase();
  const dir = join(extensionsDir, id);
  if (!existsSync(dir)) throw new Error(`the .vsix did not install as ${id}; ${extensionsDir} holds ${JSON.stringify(readdirSync(extensionsDir))}`);
  if (lstatSync(dir).isSymbolicLink()) throw new Error(`${dir} is a link to the sources, not an installed .vsix`);
  for (const f of ['package.json', 'package.nls.json', 'dist/extension.js', '.vsixmanifest']) {
    if (!existsSync(join(dir, f))) throw new Error(`the installed extension lacks ${f} (is it kept by .vscodeignore?)`);
  }
  for (const f of ['src', 'test', 'node_modules', 'out', 'dist/cli.js', 'dist/extension.js.map']) {
    if (existsSync(join(dir, f))) throw new Error(`the .vsix ships ${f}, which it should not (.vscodeignore)`);
  }
  return dir;
}
