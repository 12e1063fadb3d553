// The browser end-to-end flows, run in order by run-e2e.ts in one page. Each flow is a user story from start to
// end; it leaves VS Code in a state the next flow can start from (or says in its name that it sets one up).
// A skeleton: the e2e author adds the real flows here.
import * as assert from 'node:assert/strict';
import type { Flow } from './run-e2e';
import type { TestConfig } from '../extension/host-channel';
import { openViewContainer, viewPane, waitForTreeRow } from './vscode-page';

/** The registries the Registries view starts with: the open (no auth) one the runner seeded. */
export function settings(config: TestConfig): Record<string, unknown> {
  const open = config.registries.open;
  return open ? { 'registryExplorer.registries': [{ url: open.url }] } : {};
}

export const flows: Flow[] = [
  {
    name: 'the Registries view lists the configured registry',
    async run({ page, config, shot }) {
      await openViewContainer(page, 'Registries');
      assert.ok(await viewPane(page, 'Registries').isVisible(), 'the Registries view is shown');
      const host = config.registries.open?.host;
      assert.ok(host, 'the runner started the open registry');
      await waitForTreeRow(page, new RegExp(host.replace(/[.]/g, '\\.')), { view: 'Registries' });
      await shot('registries-view');
    },
  },
];
