// Read-only JSON documents for manifests and image configs, under the `registry-explorer:` scheme:
//   registry-explorer://localhost:5000/team/app/2.0.0.manifest.json
//   registry-explorer://localhost:5000/team/app/sha256:….config.json
// The authority is the registry key (`host[:port]`); the path is the repository, then the reference.
import * as vscode from 'vscode';
import type { RegistryClient } from '../engine';

export const SCHEME = 'registry-explorer';

export type DocumentKind = 'manifest' | 'config';

export interface DocumentTarget {
  registry: string;
  repository: string;
  /** A tag or a digest. */
  reference: string;
  kind: DocumentKind;
}

export function documentUri(target: DocumentTarget): vscode.Uri {
  return vscode.Uri.from({ scheme: SCHEME, authority: target.registry, path: `/${target.repository}/${target.reference}.${target.kind}.json` });
}

export function parseDocumentUri(uri: vscode.Uri): DocumentTarget | undefined {
  const m = /^\/(.+)\/([^/]+)\.(manifest|config)\.json$/.exec(uri.path);
  if (uri.scheme !== SCHEME || !m) return undefined;
  return { registry: uri.authority, repository: m[1], reference: m[2], kind: m[3] as DocumentKind };
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
