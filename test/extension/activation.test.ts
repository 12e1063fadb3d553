// Activation and contributions, inside a real VS Code: the commands exist, activation is fast and lazy.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { testRegistry } from './config';
import { EXTENSION_ID, explorerApi, hostOf, setRegistries } from './explorer-helpers';

interface Contributes {
  commands: { command: string; title: string; category?: string }[];
  menus: Record<string, { command: string; when?: string }[]>;
  configuration: { properties: Record<string, { default?: unknown }> };
  views: Record<string, { id: string }[]>;
}

describe('Registry Explorer: activation and contributions', () => {
  before(async () => {
    // Registries are configured before activation: activating must still not touch the network.
    await setRegistries([{ url: testRegistry('open').url }]);
  });

  it('activates lazily, without opening a connection before the view asks', async () => {
    const { api, tree } = await explorerApi();
    // The ≤ 50 ms target is a measurement, not a pass/fail gate (timed tests flake on a loaded machine):
    // it is printed here and reported in the README.
    console.log(`[regx-tests]   (activate() took ${api.activationMs.toFixed(1)} ms)`);
    assert.ok(Number.isFinite(api.activationMs) && api.activationMs >= 0, 'activate() reported no duration');
    assert.deepEqual(tree.openClients(), [], 'a registry client was created during activation');
    const roots = await tree.getChildren();
    assert.deepEqual(roots.map((n) => n.registry), [hostOf(testRegistry('open').url)]);
    assert.deepEqual(tree.openClients(), [], 'listing the configured registries must not connect');
  });

  it('registers every contributed command, each in the Registry Explorer category', async () => {
    await explorerApi();
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    const contributes = ext.packageJSON.contributes as Contributes;
    const registered = new Set(await vscode.commands.getCommands(true));
    const ids = contributes.commands.map((c) => c.command);
    assert.ok(ids.length >= 18, `only ${ids.length} commands contributed`);
    for (const c of contributes.commands) {
      assert.ok(registered.has(c.command), `${c.command} is contributed but not registered`);
      assert.equal(c.category, 'Registry Explorer', `${c.command} has category ${c.category}`);
      assert.ok(!c.title.startsWith('%'), `${c.command}'s title ${c.title} was not localised from package.nls.json`);
    }
    for (const [menu, items] of Object.entries(contributes.menus)) {
      for (const item of items) {
        assert.ok(ids.includes(item.command), `menu ${menu} names unknown command ${item.command}`);
        assert.ok(item.when, `menu ${menu} item ${item.command} has no when clause`);
      }
    }
    const itemMenus = contributes.menus['view/item/context'];
    for (const needed of ['registryExplorer.deleteImage', 'registryExplorer.copyDigest', 'registryExplorer.pruneTags', 'registryExplorer.retry', 'registryExplorer.editCredentials']) {
      assert.ok(itemMenus.some((m) => m.command === needed && /viewItem/.test(m.when ?? '')), `${needed} has no view item menu keyed on viewItem`);
    }
  });

  it('contributes the settings of the issue with their defaults', () => {
    const c = vscode.workspace.getConfiguration('registryExplorer');
    assert.equal(c.inspect('pageSize')?.defaultValue, 100);
    assert.equal(c.inspect('concurrency')?.defaultValue, 8);
    assert.equal(c.inspect('tagSort')?.defaultValue, 'semver');
    assert.equal(c.inspect('versioning')?.defaultValue, 'semver');
    assert.deepEqual(c.inspect('prune.protect')?.defaultValue, ['^latest$']);
    assert.deepEqual(c.inspect('registries')?.defaultValue, []);
  });

  it('opens the log and the view container', async () => {
    await vscode.commands.executeCommand('registryExplorer.showLog');
    await vscode.commands.executeCommand('workbench.view.extension.registryExplorer');
    const { api } = await explorerApi();
    assert.ok(api.view, 'no tree view');
  });
});
