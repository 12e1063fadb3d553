// Bundles the extension, the CLI and the test programs with esbuild.
// `--production` minifies the shipped bundles and skips the tests.
import { build } from 'esbuild';
import { readdirSync, readFileSync, statSync, chmodSync } from 'node:fs';
import { join } from 'node:path';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const production = process.argv.includes('--production');
const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: !production, logLevel: 'warning' };

function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...findTests(p));
    else if (/\.ts$/.test(name) && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

await Promise.all([
  build({ ...common, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'], minify: production }),
  // The Cleanup Preview's webview script (src/extension/preview/webview): a browser bundle the panel loads.
  build({ bundle: true, platform: 'browser', target: 'es2022', format: 'iife', sourcemap: !production, logLevel: 'warning', entryPoints: ['src/extension/preview/webview/main.ts'], outfile: 'dist/preview.js', minify: production }),
  build({ ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', minify: production, banner: { js: '#!/usr/bin/env node' }, define: { __VERSION__: JSON.stringify(pkg.version) } }),
]);
chmodSync('dist/cli.js', 0o755);

if (!production) {
  // Every .ts under test/ becomes a standalone program in out/test/ (mocha specs, runners, support).
  await build({ ...common, entryPoints: findTests('test'), outdir: 'out/test', outbase: 'test', external: ['vscode', 'mocha', 'playwright-core', '@vscode/test-electron'] });
}
