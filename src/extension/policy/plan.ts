// Planning a policy from the editor: the engine's planPolicy under a cancellable progress notification, with the
// clients of the registries added in the Registries view (a rule's registry that is not there is a problem for its
// rules: "Add it with Add Registry… first"), what the workspace deploys kept in every repository (one scan, the
// engine's protectionFor with it), and the space each plan frees counted. Nothing is deleted here.
import * as vscode from 'vscode';
import { badInput, errorSentence, parseRegistry, planPolicy, protectionFor, type PolicyDocument, type PolicyPlan, type RegistryClient } from '../../engine';
import { deployedScan } from '../commands/deployed';
import { currentSettings, type Explorer } from '../explorer';
import { notify } from '../ui';

const t = vscode.l10n.t;

/** Repositories read at once while planning (each with the registry's own request concurrency). */
const REPOSITORIES_AT_ONCE = 4;

export interface PlannedPolicy {
  plan: PolicyPlan;
  /** The clients planning used, by registry key: each repository's run deletes through its registry's. */
  clients: Map<string, RegistryClient>;
}

/** The client of a rule's registry: the one the Registries view has for that key, or a problem saying to add it. */
function clientsFromView(explorer: Explorer): { clientFor: (address: string) => Promise<RegistryClient>; clients: Map<string, RegistryClient> } {
  const keys = new Set(currentSettings().registries.map((e) => e.key));
  const clients = new Map<string, RegistryClient>();
  const clientFor = async (address: string): Promise<RegistryClient> => {
    const { host } = parseRegistry(address);
    if (!keys.has(host)) throw badInput(t('{0} is not in the Registries view', host), t('Add it with Add Registry… first.'));
    const client = await explorer.tree.client(host);
    clients.set(host, client);
    return client;
  };
  return { clientFor, clients };
}

/** Plans every repository the policy names; undefined when cancelled or when planning failed (said in a notification). */
export async function planWithProgress(explorer: Explorer, document: PolicyDocument, file: string): Promise<PlannedPolicy | undefined> {
  const { clientFor, clients } = clientsFromView(explorer);
  const controller = new AbortController();
  try {
    const scan = await deployedScan();
    const plan = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: t('Planning {0}…', file), cancellable: true },
      async (progress, token) => {
        const sub = token.onCancellationRequested(() => controller.abort());
        try {
          return await planPolicy(document, {
            clientFor,
            protectionFor: (host, repository) => protectionFor(scan, host, repository),
            withFreed: true,
            concurrency: REPOSITORIES_AT_ONCE,
            readConcurrency: currentSettings().concurrency,
            signal: controller.signal,
            onRepository: (done, total) => progress.report({ increment: 100 / Math.max(1, total), message: t('{0} of {1} repositories read', done, total) }),
          });
        } finally {
          sub.dispose();
        }
      },
    );
    return { plan, clients };
  } catch (e) {
    if (!controller.signal.aborted) {
      explorer.log.error(`could not plan ${file}: ${errorSentence(e)}`);
      notify('error', t('Could not plan {0}: {1}', file, errorSentence(e)));
    }
    return undefined;
  }
}
