// Every media type the project knows, in one place.

export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
export const DOCKER_SCHEMA1 = 'application/vnd.docker.distribution.manifest.v1+json';
export const DOCKER_SCHEMA1_SIGNED = 'application/vnd.docker.distribution.manifest.v1+prettyjws';
export const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
export const DOCKER_CONFIG = 'application/vnd.docker.container.image.v1+json';
export const OCI_EMPTY = 'application/vnd.oci.empty.v1+json';

/**
 * The Accept list for resolving a tag. Without all four, distribution serves schema1 (another digest)
 * or one platform of a multi-arch image: the digest would be wrong and deleting it would fail.
 */
export const MANIFEST_ACCEPT = [OCI_INDEX, OCI_MANIFEST, DOCKER_LIST, DOCKER_MANIFEST];

export type ManifestKind = 'image' | 'index' | 'schema1' | 'unknown';

export function manifestKind(mediaType: string | undefined): ManifestKind {
  switch (mediaType) {
    case OCI_INDEX:
    case DOCKER_LIST:
      return 'index';
    case OCI_MANIFEST:
    case DOCKER_MANIFEST:
      return 'image';
    case DOCKER_SCHEMA1:
    case DOCKER_SCHEMA1_SIGNED:
      return 'schema1';
    default:
      return 'unknown';
  }
}

export function isIndex(mediaType: string | undefined): boolean {
  return manifestKind(mediaType) === 'index';
}
