// Commands on tags: copy digest / reference / pull command, open manifest or config, delete image, untag.
import * as vscode from 'vscode';
import { describeError, isRegistryError } from '../../registry/errors';
import { formatReference } from '../../registry/reference';
import type { DeleteImpact, RegistryClient } from '../../registry/types';
import type { Explorer } from '../explorer';
import { documentUri } from '../manifestProvider';
import { middleDigest, type ExplorerNode, type TagNode } from '../model/nodes';
import { confirm, notify, pick } from '../ui';

const t = vscode.l10n.t;

export const GC_DOCS = 'https://distribution.github.io/distribution/about/garbage-collection/';

/**
 * The tags a command acts on. From a context menu VS Code passes the clicked node and, with several rows
 * selected, all of them; from the palette there is no argument and the view's selection is used.
 */
export function targetTags(explorer: Explorer, node?: unknown, nodes?: unknown): TagNode[] {
  const isTag = (n: unknown): n is TagNode => typeof n === 'object' && n !== null && (n as ExplorerNode).kind === 'tag';
  let list: TagNode[];
  if (Array.isArray(nodes) && nodes.some(isTag)) list = nodes.filter(isTag);
  else if (isTag(node)) list = [node];
  else list = explorer.view.selection.filter(isTag);
  const seen = new Set<string>();
  return list.filter((n) => !seen.has(n.id) && seen.add(n.id));
}

function oneTag(explorer: Explorer, node?: unknown): TagNode | undefined {
  const [tag] = targetTags(explorer, node);
  if (!tag) notify('info', t('Select a tag in the Registries view first.'));
  return tag;
}

function showError(e: unknown, what: string): void {
  const { message, fix } = describeError(e);
  notify('error', fix ? t('Could not {0}: {1}. {2}', what, message, fix) : t('Could not {0}: {1}', what, message));
}

async function copy(text: string): Promise<string> {
  await vscode.env.clipboard.writeText(text);
  vscode.window.setStatusBarMessage(t('Copied {0}', text), 3000);
  return text;
}

export async function copyDigest(explorer: Explorer, node?: unknown): Promise<string | undefined> {
  const tag = oneTag(explorer, node);
  if (!tag) return undefined;
  try {
    return await copy((await explorer.tree.digestOf(tag)).digest);
  } catch (e) {
    showError(e, t('resolve {0}:{1}', tag.repository, tag.tag));
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
    showError(e, t('resolve {0}:{1}', tag.repository, tag.tag));
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

export async function openManifest(explorer: Explorer, node?: unknown): Promise<vscode.TextDocument | undefined> {
  const tag = oneTag(explorer, node);
  if (!tag) return undefined;
  try {
    return await openDocument(documentUri({ registry: tag.registry, repository: tag.repository, reference: tag.tag, kind: 'manifest' }));
  } catch (e) {
    showError(e, t('open the manifest of {0}:{1}', tag.repository, tag.tag));
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
    if (manifest.kind === 'index') {
      const items = (manifest.platforms ?? []).map((p) => ({
        label: [p.os, p.architecture, p.variant].filter(Boolean).join('/'),
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
    } else if (!manifest.configDigest) {
      notify('info', t('{0}:{1} has no image config.', tag.repository, tag.tag));
      return undefined;
    }
    return await openDocument(documentUri({ registry: tag.registry, repository: tag.repository, reference, kind: 'config' }));
  } catch (e) {
    showError(e, t('open the config of {0}:{1}', tag.repository, tag.tag));
    return undefined;
  }
}

// ---- delete ----------------------------------------------------------------------------------------------

interface RepoGroup {
  registry: string;
  repository: string;
  tags: TagNode[];
}

function groupByRepository(tags: TagNode[]): RepoGroup[] {
  const groups = new Map<string, RepoGroup>();
  for (const tag of tags) {
    const key = `${tag.registry}/${tag.repository}`;
    const g = groups.get(key) ?? { registry: tag.registry, repository: tag.repository, tags: [] };
    g.tags.push(tag);
    groups.set(key, g);
  }
  return [...groups.values()];
}

export interface DeleteOutcome {
  /** `registry/repository@digest` of every image deleted (or found already gone). */
  deleted: string[];
  /** The tags that went with them, `registry/repository:tag`. */
  removedTags: string[];
  failed: { image: string; error: string }[];
  cancelled: boolean;
  confirmed: boolean;
}

function tagsSentence(impact: DeleteImpact): string {
  const d = middleDigest(impact.digest);
  if (impact.tags.length === 0) return t('Deleting {0} removes no tag (it is untagged).', d);
  if (impact.tags.length === 1) return t('Deleting {0} removes 1 tag: {1}', d, impact.tags[0]);
  return t('Deleting {0} removes {1} tags: {2}', d, impact.tags.length, impact.tags.join(', '));
}

/** Every image the selected tags point at, with every tag that disappears with it. Nothing is deleted here. */
async function impactsOf(explorer: Explorer, groups: RepoGroup[], signal: AbortSignal): Promise<{ group: RepoGroup; client: RegistryClient; impacts: DeleteImpact[] }[]> {
  const out = [];
  for (const group of groups) {
    const client = await explorer.tree.client(group.registry);
    // Resolves each tag afresh (not the tree's cached digest) and reads every tag once per repository.
    const impacts = await client.deleteImpacts(group.repository, group.tags.map((tag) => tag.tag), signal);
    out.push({ group, client, impacts });
  }
  return out;
}

/**
 * Delete Image: resolves each selected tag to its image, shows ONE modal listing every tag that disappears
 * with each digest, then deletes with progress, refreshes, and says what happened.
 */
export async function deleteImage(explorer: Explorer, node?: unknown, nodes?: unknown): Promise<DeleteOutcome | undefined> {
  const tags = targetTags(explorer, node, nodes);
  if (tags.length === 0) {
    notify('info', t('Select one or more tags in the Registries view first.'));
    return undefined;
  }
  const groups = groupByRepository(tags);
  let plan: Awaited<ReturnType<typeof impactsOf>>;
  try {
    plan = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: t('Finding every tag on the selected images…'), cancellable: true },
      async (_p, token) => {
        const controller = new AbortController();
        const sub = token.onCancellationRequested(() => controller.abort());
        try {
          return await impactsOf(explorer, groups, controller.signal);
        } finally {
          sub.dispose();
        }
      },
    );
  } catch (e) {
    if (isRegistryError(e, 'CANCELLED')) return { deleted: [], removedTags: [], failed: [], cancelled: true, confirmed: false };
    showError(e, t('check what deleting would remove'));
    return undefined;
  }

  const images = plan.reduce((n, p) => n + p.impacts.length, 0);
  const removed = plan.flatMap((p) => p.impacts.flatMap((i) => i.tags.map((tag) => `${p.group.registry}/${p.group.repository}:${tag}`)));
  const where = plan.length === 1 ? `${plan[0].group.registry}/${plan[0].group.repository}` : t('{0} repositories', plan.length);
  const tagCount = removed.length === 1 ? t('1 tag') : t('{0} tags', removed.length);
  const message =
    images === 1 ? t('Delete 1 image from {0}? It takes {1} with it.', where, tagCount) : t('Delete {0} images from {1}? They take {2} with them.', images, where, tagCount);
  const lines: string[] = [];
  for (const p of plan) {
    if (plan.length > 1) lines.push(`${p.group.registry}/${p.group.repository}:`);
    for (const impact of p.impacts) lines.push(tagsSentence(impact));
  }
  lines.push('', t('This cannot be undone.'));
  const ok = await confirm('delete.confirm', message, lines.join('\n'), t('Delete'));
  if (!ok) return { deleted: [], removedTags: [], failed: [], cancelled: false, confirmed: false };

  const outcome: DeleteOutcome = { deleted: [], removedTags: [], failed: [], cancelled: false, confirmed: true };
  let stop: { message: string; fix?: string } | undefined;
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: t('Deleting images'), cancellable: true },
    async (progress, token) => {
      let done = 0;
      for (const p of plan) {
        for (const impact of p.impacts) {
          if (token.isCancellationRequested) {
            outcome.cancelled = true;
            return;
          }
          const image = `${p.group.registry}/${p.group.repository}@${impact.digest}`;
          progress.report({ message: `${p.group.repository}@${middleDigest(impact.digest)}`, increment: 0 });
          try {
            // The cancel button stops before the next image; a delete in flight finishes, so the result is known.
            const r = await p.client.deleteManifest(p.group.repository, impact.digest);
            outcome.deleted.push(image);
            outcome.removedTags.push(...impact.tags.map((tag) => `${p.group.registry}/${p.group.repository}:${tag}`));
            explorer.log.info(`deleted ${image}${r.alreadyGone ? ' (it was already gone)' : ''}; tags removed: ${impact.tags.join(', ') || 'none'}`);
          } catch (e) {
            const { message, fix } = describeError(e);
            outcome.failed.push({ image, error: message });
            explorer.log.error(`could not delete ${image}: ${message}`);
            if (isRegistryError(e, 'DELETE_DISABLED') || isRegistryError(e, 'UNAUTHORIZED') || isRegistryError(e, 'FORBIDDEN') || isRegistryError(e, 'INSUFFICIENT_SCOPE')) {
              stop = { message, fix };
              return;
            }
          } finally {
            progress.report({ increment: 100 / images, message: t('{0} of {1}', ++done, images) });
          }
        }
      }
    },
  );
  for (const p of plan) explorer.tree.forgetRepository(p.group.registry, p.group.repository);
  await reportDelete(explorer, plan.map((p) => p.group.registry), outcome, stop);
  return outcome;
}

async function reportDelete(explorer: Explorer, registries: string[], outcome: DeleteOutcome, stop?: { message: string; fix?: string }): Promise<void> {
  if (stop) {
    notify('error', stop.fix ? `${stop.message}. ${stop.fix}` : stop.message, [t('Show Log')], () => explorer.log.show());
  }
  if (outcome.deleted.length === 0 && outcome.failed.length === 0 && outcome.cancelled) {
    notify('info', t('Cancelled: nothing was deleted.'));
    return;
  }
  if (outcome.deleted.length === 0 && stop) return;
  const tags = outcome.removedTags.map((r) => r.slice(r.lastIndexOf(':') + 1));
  const tagCount = tags.length === 1 ? t('1 tag') : t('{0} tags', tags.length);
  let message =
    outcome.deleted.length === 1
      ? t('Deleted 1 image ({0}: {1}).', tagCount, tags.join(', '))
      : t('Deleted {0} images ({1}: {2}).', outcome.deleted.length, tagCount, tags.join(', '));
  if (outcome.failed.length > 0) message += ' ' + t('{0} could not be deleted (see the log).', outcome.failed.length);
  if (outcome.cancelled) message += ' ' + t('Cancelled before the rest.');
  const selfHosted = await Promise.all(
    [...new Set(registries)].map((r) =>
      explorer.tree.ping(r).then(
        (p) => p.selfHostedDistribution,
        () => false,
      ),
    ),
  );
  const buttons: string[] = [];
  if (outcome.deleted.length > 0 && selfHosted.some(Boolean)) {
    message += ' ' + t('The space comes back only after the registry’s garbage collection runs.');
    buttons.push(t('About Garbage Collection'));
  }
  if (outcome.failed.length > 0) buttons.push(t('Show Log'));
  notify(outcome.failed.length > 0 ? 'warning' : 'info', message, buttons, (b) =>
    b === t('Show Log') ? explorer.log.show() : vscode.env.openExternal(vscode.Uri.parse(GC_DOCS)),
  );
}

// ---- untag -----------------------------------------------------------------------------------------------

/** Untag: removes one tag and leaves the image; where the registry cannot, explains and offers the throw-away way. */
export async function untag(explorer: Explorer, node?: unknown): Promise<boolean> {
  const tag = oneTag(explorer, node);
  if (!tag) return false;
  const ref = `${tag.registry}/${tag.repository}:${tag.tag}`;
  const ok = await confirm('untag.confirm', t('Remove the tag {0}?', ref), t('The image stays, with any other tags it has.'), t('Untag'));
  if (!ok) return false;
  const client = await explorer.tree.client(tag.registry);
  try {
    await client.untag(tag.repository, tag.tag);
  } catch (e) {
    if (!isRegistryError(e, 'UNTAG_UNSUPPORTED')) {
      showError(e, t('untag {0}', ref));
      return false;
    }
    explorer.log.info(`untag ${ref}: ${e.message}`);
    const fallback = await confirm(
      'untag.fallback',
      t('This registry cannot remove a tag on its own.'),
      t(
        'Registry Explorer can point {0} at a tiny throw-away manifest and delete that manifest: the tag disappears, the image and its other tags stay. Alternatively, Delete Image removes the image with every tag on it.',
        tag.tag,
      ),
      t('Untag with a Throw-away Manifest'),
    );
    if (!fallback) return false;
    try {
      await client.untag(tag.repository, tag.tag, { fallback: true });
    } catch (e2) {
      showError(e2, t('untag {0}', ref));
      return false;
    }
  }
  explorer.log.info(`untagged ${ref}`);
  explorer.tree.forgetRepository(tag.registry, tag.repository);
  notify('info', t('Removed the tag {0}.', ref));
  return true;
}
