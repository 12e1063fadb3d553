// Read-only JSON documents for manifests and image configs, under the `registry-explorer:` scheme. The path's last
// segment is the editor tab's title, so it is written for people:
//   registry-explorer://localhost:5000/team/app:2.0.0 — manifest?repository=team/app&reference=2.0.0&kind=manifest
//   registry-explorer://localhost:5000/multi:1.0.0 (linux∕amd64) — config?…&reference=sha256:…&kind=config
// The authority is the registry key (`host[:port]`); what to read is in the query. A platform's "/" is written as
// "∕" (U+2215) in the title, since a path segment cannot hold a slash.
import * as vscode from 'vscode';
import { shortDigest, type RegistryClient } from '../engine';

export const SCHEME = 'registry-explorer';

export type DocumentKind = 'manifest' | 'config';

export interface DocumentTarget {
  registry: string;
  repository: string;
  /** A tag or a digest: what is read. */
  reference: string;
  kind: DocumentKind;
  /** For the title only: the tag the user opened, when `reference` is a platform's digest. */
  tag?: string;
  /** For the title only: `linux/amd64`, when the document is one platform's of a multi-arch tag. */
  platform?: string;
}

/** "app:2.0.0 — manifest", "multi:1.0.0 (linux∕amd64) — config", "app@sha256:975164aaaaaa — manifest". */
export function documentTitle(target: DocumentTarget): string {
  const name = target.repository.slice(target.repository.lastIndexOf('/') + 1);
  const tag = target.tag ?? (target.reference.includes(':') ? undefined : target.reference);
  const what = tag ? `${name}:${tag}` : `${name}@${shortDigest(target.reference)}`;
  const platform = target.platform ? ` (${target.platform.replace(/\//g, '\u2215')})` : '';
  return `${what}${platform} — ${target.kind}`;
}

export function documentUri(target: DocumentTarget): vscode.Uri {
  const dir = target.repository.includes('/') ? `/${target.repository.slice(0, target.repository.lastIndexOf('/'))}` : '';
  const query = new URLSearchParams({ repository: target.repository, reference: target.reference, kind: target.kind });
  return vscode.Uri.from({ scheme: SCHEME, authority: target.registry, path: `${dir}/${documentTitle(target)}`, query: query.toString() });
}

export function parseDocumentUri(uri: vscode.Uri): DocumentTarget | undefined {
  if (uri.scheme !== SCHEME) return undefined;
  const q = new URLSearchParams(uri.query);
  const repository = q.get('repository');
  const reference = q.get('reference');
  const kind = q.get('kind');
  if (!repository || !reference || (kind !== 'manifest' && kind !== 'config')) return undefined;
  return { registry: uri.authority, repository, reference, kind };
}

/** Our documents have no file extension (their names are titles): they are JSON all the same. */
export function showAsJson(doc: vscode.TextDocument): void {
  if (doc.uri.scheme === SCHEME && doc.languageId !== 'json') void vscode.languages.setTextDocumentLanguage(doc, 'json');
}

function pretty(bytes: Uint8Array): string {
  const text = Buffer.from(bytes).toString('utf8');
  try {
    return JSON.stringify(JSON.parse(text), null, 2) + '\n';
  } catch {
    return text;
  }
}

export class ManifestDocumentProvider implements vscode.TextDocumentContentProvider {
  constructor(private readonly client: (registry: string) => Promise<RegistryClient>) {}

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const target = parseDocumentUri(uri);
    if (!target) throw new Error(vscode.l10n.t('Not a Registry Explorer document: {0}', uri.toString()));
    const controller = new AbortController();
    const sub = token.onCancellationRequested(() => controller.abort());
    try {
      const client = await this.client(target.registry);
      const manifest = await client.getManifest(target.repository, target.reference, controller.signal);
      if (target.kind === 'manifest') return pretty(manifest.raw);
      if (!manifest.configDigest) {
        throw new Error(vscode.l10n.t('{0}:{1} has no image config (it is a {2}).', target.repository, target.reference, manifest.kind));
      }
      return pretty(await client.getBlob(target.repository, manifest.configDigest, controller.signal));
    } finally {
      sub.dispose();
    }
  }
}
