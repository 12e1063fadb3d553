// Commands on tags that only read: copy tag / digest / reference / pull command, open manifest or config; and what
// commands on tags share (the tags they act on, copying, a cancellable progress). Delete Image is in ./delete.ts,
// Untag in ./untag.ts, Pull Image in ./pull.ts.
import * as vscode from 'vscode';
import { formatReference, platformName } from '../../engine';
import type { Explorer } from '../explorer';
import { documentUri } from '../manifestProvider';
import { middleDigest, type ExplorerNode, type TagNode } from '../model/nodes';
import { notify, pick } from '../ui';
import { showError } from './feedback';

const t = vscode.l10n.t;

/**
 * The tags a command acts on. From a context menu VS Code passes the clicked node and, with several rows
 * selected, all of them; from the palette there is no argument and the view's selection is used.
 */
export function targetTags(explorer: Explorer, node?: unknown, nodes?: unknown): TagNode[] {
  const isTag = (n: unknown): n is TagNode => typeof n === 'object' && n !== null && (n as ExplorerNode).kind === 'tag';
  let list: TagNode[];
  if (Array.isArray(nodes) && nodes.some(isTag)) list = nodes.filter(isTag);
  else if (isTag(node)) list = [node];
  else list = explorer.selection().filter(isTag);
  const seen = new Set<string>();
  return list.filter((n) => !seen.has(n.id) && seen.add(n.id));
}

/**
 * The one tag a command acts on. Without one (a keybinding pressed on a registry or repository row) it says what to
 * select and does nothing else.
 */
export function oneTag(explorer: Explorer, node?: unknown): TagNode | undefined {
  const [tag] = targetTags(explorer, node);
  if (!tag) notify('info', t('Select a tag in the Registries view first (a row under a repository).'));
  return tag;
}

/** Runs `work` under a cancellable notification; the token becomes an AbortSignal. */
export function withCancellable<T>(title: string, work: (signal: AbortSignal, progress: vscode.Progress<{ message?: string; increment?: number }>) => Promise<T>): Thenable<T> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
    const controller = new AbortController();
    const sub = token.onCancellationRequested(() => controller.abort());
    try {
      return await work(controller.signal, progress);
    } finally {
      sub.dispose();
    }
  });
}

/** Puts `text` on the clipboard and says so in the status bar. */
export async function copy(text: string): Promise<string> {
  await vscode.env.clipboard.writeText(text);
  vscode.window.setStatusBarMessage(t('Copied {0}', text), 3000);
  return text;
}

export async function copyTag(explorer: Explorer, node?: unknown): Promise<string | undefined> {
  const tag = oneTag(explorer, node);
  return tag ? copy(tag.tag) : undefined;
}

export async function copyDigest(explorer: Explorer, node?: unknown): Promise<string | undefined> {
  const tag = oneTag(explorer, node);
  if (!tag) return undefined;
  try {
    return await copy((await explorer.tree.digestOf(tag)).digest);
  } catch (e) {
    showError(explorer, e, t('resolve {0}:{1}', tag.repository, tag.tag), tag.registry);
    return undefined;
  }
}

export async function copyImageReference(explorer: Explorer, node?: unknown): Promise<string | undefined> {
  const tag = oneTag(explorer, node);
  if (!tag) return undefined;
  try {
    const { digest } = await explorer.tree.digestOf(tag);
    return await copy(formatReference({ host: tag.registry, repository: tag.repository, digest }));
  } catch (e) {
    showError(explorer, e, t('resolve {0}:{1}', tag.repository, tag.tag), tag.registry);
    return undefined;
  }
}

export async function copyPullCommand(explorer: Explorer, node?: unknown): Promise<string | undefined> {
  const tag = oneTag(explorer, node);
  if (!tag) return undefined;
  return copy(`docker pull ${formatReference({ host: tag.registry, repository: tag.repository, tag: tag.tag })}`);
}

async function openDocument(uri: vscode.Uri): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc, { preview: true });
  return doc;
}

/**
 * The argument the Enter keybinding passes (package.json): Enter on a registry or repository row only expands or
 * collapses it, as in any tree, so Open Manifest then says nothing.
 */
export const FROM_ENTER_KEY = 'keyboard';

export async function openManifest(explorer: Explorer, node?: unknown): Promise<vscode.TextDocument | undefined> {
  const tag = node === FROM_ENTER_KEY ? targetTags(explorer)[0] : oneTag(explorer, node);
  if (!tag) return undefined;
  try {
    return await openDocument(documentUri({ registry: tag.registry, repository: tag.repository, reference: tag.tag, kind: 'manifest' }));
  } catch (e) {
    showError(explorer, e, t('open the manifest of {0}:{1}', tag.repository, tag.tag), tag.registry);
    return undefined;
  }
}

/** Opens the image config; for a multi-arch index, asks which platform first. */
export async function openConfig(explorer: Explorer, node?: unknown): Promise<vscode.TextDocument | undefined> {
  const tag = oneTag(explorer, node);
  if (!tag) return undefined;
  try {
    const client = await explorer.tree.client(tag.registry);
    const manifest = await client.getManifest(tag.repository, tag.tag);
    let reference = tag.tag;
    let platform: string | undefined;
    if (manifest.kind === 'index') {
      const items = (manifest.platforms ?? []).map((p) => ({
        label: platformName(p),
        description: middleDigest(p.digest),
        digest: p.digest,
      }));
      if (items.length === 0) {
        notify('info', t('{0}:{1} is a multi-arch index without platforms.', tag.repository, tag.tag));
        return undefined;
      }
      const chosen = await pick('openConfig.platform', items, { placeHolder: t('{0}:{1} is multi-arch: pick a platform', tag.repository, tag.tag) });
      if (!chosen) return undefined;
      reference = chosen.digest;
      platform = chosen.label;
    } else if (!manifest.configDigest) {
      notify('info', t('{0}:{1} has no image config.', tag.repository, tag.tag));
      return undefined;
    }
    return await openDocument(documentUri({ registry: tag.registry, repository: tag.repository, reference, kind: 'config', tag: tag.tag, platform }));
  } catch (e) {
    showError(explorer, e, t('open the config of {0}:{1}', tag.repository, tag.tag), tag.registry);
    return undefined;
  }
}
