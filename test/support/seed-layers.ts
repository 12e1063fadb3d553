// Images whose layers are chosen, of known sizes, so a test can work out by hand what deleting them frees: a layer is
// a buffer of pseudo-random bytes of an exact size (the registry does not look inside), shared between images by
// passing the same buffer. Each image has its own config (its salt), so only the layers given are shared.
import { createHash } from 'node:crypto';
import { OCI_CONFIG, OCI_INDEX, OCI_LAYER, OCI_MANIFEST, pushBlob, pushManifest, type SeedTarget } from './seed';

export interface BlobRef {
  digest: string;
  size: number;
}

export interface LayeredImage extends BlobRef {
  mediaType: string;
  config: BlobRef;
  layers: BlobRef[];
}

export interface LayeredIndex extends BlobRef {
  mediaType: string;
  children: LayeredImage[];
}

function sha256(data: Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** `size` bytes that depend on `salt` only: a layer of that exact size. */
export function layerOfSize(size: number, salt: string): Buffer {
  const out = Buffer.alloc(size);
  let block = createHash('sha256').update(salt).digest();
  for (let at = 0; at < size; at += block.length) {
    block.copy(out, at, 0, Math.min(block.length, size - at));
    block = createHash('sha256').update(block).digest();
  }
  return out;
}

/** Pushes an OCI image of exactly these layers (shared with other images when the same buffers are given), by digest and under `tags`. */
export async function pushLayeredImage(target: SeedTarget, repo: string, tags: string[], layers: Buffer[], salt: string, platform = { os: 'linux', architecture: 'amd64' }): Promise<LayeredImage> {
  const config = Buffer.from(JSON.stringify({ ...platform, config: { Labels: { 'regx.test.salt': salt } }, rootfs: { type: 'layers', diff_ids: layers.map(sha256) } }));
  const [configDigest, ...layerDigests] = await Promise.all([pushBlob(target, repo, config), ...layers.map((l) => pushBlob(target, repo, l))]);
  const layerRefs = layers.map((l, i) => ({ digest: layerDigests[i], size: l.length }));
  const bytes = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: OCI_CONFIG, digest: configDigest, size: config.length },
      layers: layerRefs.map((l) => ({ mediaType: OCI_LAYER, ...l })),
    }),
  );
  const digest = await pushManifest(target, repo, sha256(bytes), OCI_MANIFEST, bytes);
  for (const tag of tags) await pushManifest(target, repo, tag, OCI_MANIFEST, bytes);
  return { digest, size: bytes.length, mediaType: OCI_MANIFEST, config: { digest: configDigest, size: config.length }, layers: layerRefs };
}

/** Pushes an OCI index over `children` (already pushed), under `tags`. */
export async function pushLayeredIndex(target: SeedTarget, repo: string, tags: string[], children: LayeredImage[]): Promise<LayeredIndex> {
  const arch = ['amd64', 'arm64', 'riscv64', 's390x'];
  const bytes = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: children.map((c, i) => ({ mediaType: c.mediaType, digest: c.digest, size: c.size, platform: { os: 'linux', architecture: arch[i % arch.length] } })),
    }),
  );
  const digest = await pushManifest(target, repo, sha256(bytes), OCI_INDEX, bytes);
  for (const tag of tags) await pushManifest(target, repo, tag, OCI_INDEX, bytes);
  return { digest, size: bytes.length, mediaType: OCI_INDEX, children };
}

/** The blobs an image consists of: its manifest, config and layers. */
export function blobsOf(image: LayeredImage): BlobRef[] {
  return [{ digest: image.digest, size: image.size }, image.config, ...image.layers];
}

/** The bytes of these blobs, each digest once. */
export function bytesOf(blobs: BlobRef[]): number {
  const seen = new Map(blobs.map((b) => [b.digest, b.size]));
  return [...seen.values()].reduce((a, b) => a + b, 0);
}
