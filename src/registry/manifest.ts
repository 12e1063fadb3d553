// Manifest bytes → plain data: kind, platforms of an index, config digest, total size, subject, annotations.
import { createHash } from 'node:crypto';
import { RegistryError } from './errors';
import { DOCKER_SCHEMA1, DOCKER_SCHEMA1_SIGNED, manifestKind } from './mediatypes';
import type { ManifestInfo, Platform } from './types';

export function sha256Digest(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** Checks bytes against a digest of any supported algorithm. */
export function digestMatches(bytes: Uint8Array, digest: string): boolean {
  const [algo, hex] = digest.split(':');
  if (algo !== 'sha256' && algo !== 'sha384' && algo !== 'sha512') return false;
  return createHash(algo).update(bytes).digest('hex') === hex;
}

interface Descriptor {
  mediaType?: string;
  digest?: string;
  size?: number;
  platform?: { os?: string; architecture?: string; variant?: string };
  annotations?: Record<string, string>;
}

export function parseManifest(raw: Uint8Array, digest: string, headerMediaType: string | undefined, where: string): ManifestInfo {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(Buffer.from(raw).toString('utf8'));
  } catch {
    throw new RegistryError('BAD_RESPONSE', `the manifest of ${where} is not valid JSON`);
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) {
    throw new RegistryError('BAD_RESPONSE', `the manifest of ${where} is not a JSON object`);
  }
  const mediaType = typeof json.mediaType === 'string' ? json.mediaType : guessMediaType(json, headerMediaType);
  const kind = manifestKind(mediaType);
  const info: ManifestInfo = { digest, mediaType, kind, raw, json };
  if (kind === 'index') {
    const manifests = Array.isArray(json.manifests) ? (json.manifests as Descriptor[]) : [];
    info.platforms = manifests
      .filter((m) => typeof m.digest === 'string')
      .map((m): Platform => ({
        os: m.platform?.os ?? 'unknown',
        architecture: m.platform?.architecture ?? 'unknown',
        variant: m.platform?.variant,
        digest: m.digest as string,
        ...(typeof m.mediaType === 'string' ? { mediaType: m.mediaType } : {}),
      }));
  } else if (kind === 'image') {
    const config = json.config as Descriptor | undefined;
    info.configDigest = typeof config?.digest === 'string' ? config.digest : undefined;
    const layers = Array.isArray(json.layers) ? (json.layers as Descriptor[]) : [];
    info.totalSize = layers.reduce((sum, l) => sum + (typeof l.size === 'number' ? l.size : 0), typeof config?.size === 'number' ? config.size : 0);
  }
  const subject = json.subject as Descriptor | undefined;
  if (typeof subject?.digest === 'string') info.subject = subject.digest;
  if (json.annotations && typeof json.annotations === 'object') info.annotations = json.annotations as Record<string, string>;
  return info;
}

function guessMediaType(json: Record<string, unknown>, headerMediaType: string | undefined): string {
  if (json.schemaVersion === 1) return json.signatures ? DOCKER_SCHEMA1_SIGNED : DOCKER_SCHEMA1;
  if (headerMediaType) return headerMediaType.split(';')[0].trim();
  // An OCI manifest may leave mediaType out: tell index from image by shape.
  if (Array.isArray(json.manifests)) return 'application/vnd.oci.image.index.v1+json';
  if (json.config) return 'application/vnd.oci.image.manifest.v1+json';
  return 'unknown';
}
