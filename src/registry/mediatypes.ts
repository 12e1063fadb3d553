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

// ---- Referrers: what signatures, SBOMs and attestations call themselves (their artifactType, or a layer's type)

export const COSIGN_SIGNATURE = 'application/vnd.dev.cosign.artifact.sig.v1+json';
export const COSIGN_SBOM = 'application/vnd.dev.cosign.artifact.sbom.v1+json';
export const COSIGN_SIMPLESIGNING = 'application/vnd.dev.cosign.simplesigning.v1+json';
export const NOTARY_SIGNATURE = 'application/vnd.cncf.notary.signature';
/** Sigstore bundles (`…bundle.v0.3+json`): a signature, or an attestation when its predicate type says so. */
export const SIGSTORE_BUNDLE_PREFIX = 'application/vnd.dev.sigstore.bundle';
/** The annotation a sigstore bundle's predicate type is in, and the predicate of a plain signature. */
export const SIGSTORE_PREDICATE_ANNOTATION = 'dev.sigstore.bundle.predicateType';
export const COSIGN_SIGN_PREDICATE = 'https://sigstore.dev/cosign/sign/v1';
export const IN_TOTO = 'application/vnd.in-toto+json';
export const DSSE_ENVELOPE = 'application/vnd.dsse.envelope.v1+json';
export const SPDX_JSON = 'application/spdx+json';
export const CYCLONEDX_JSON = 'application/vnd.cyclonedx+json';
export const SYFT_JSON = 'application/vnd.syft+json';

/** What a referrer is, in the words a person uses: a signature, an SBOM, an attestation, or something else. */
export type ReferrerKind = 'signature' | 'sbom' | 'attestation' | 'other';

const KNOWN_KINDS: Record<string, ReferrerKind> = {
  [COSIGN_SIGNATURE]: 'signature',
  [COSIGN_SIMPLESIGNING]: 'signature',
  [NOTARY_SIGNATURE]: 'signature',
  [COSIGN_SBOM]: 'sbom',
  [SPDX_JSON]: 'sbom',
  'text/spdx': 'sbom',
  [CYCLONEDX_JSON]: 'sbom',
  'application/vnd.cyclonedx+xml': 'sbom',
  [SYFT_JSON]: 'sbom',
  [IN_TOTO]: 'attestation',
  [DSSE_ENVELOPE]: 'attestation',
};

/** cosign's tag suffixes (`sha256-<hex>.sig`) and what each holds. */
export const COSIGN_SUFFIX_KINDS: Readonly<Record<string, ReferrerKind>> = { sig: 'signature', att: 'attestation', sbom: 'sbom' };

/**
 * Names what a referrer is, from cosign's tag suffix (`sig`, `att`, `sbom`) when it was found by one, else from its
 * artifact type (or media type): the known types first, then the words types of each kind use. A sigstore bundle is
 * a signature unless its predicate type annotation names another predicate (an attestation).
 */
export function referrerKind(artifactType?: string, tagSuffix?: string, annotations?: Readonly<Record<string, string>>): ReferrerKind {
  const bySuffix = tagSuffix ? COSIGN_SUFFIX_KINDS[tagSuffix.replace(/^\./, '')] : undefined;
  if (bySuffix) return bySuffix;
  const type = (artifactType ?? '').split(';')[0].trim().toLowerCase();
  if (!type) return 'other';
  if (type.startsWith(SIGSTORE_BUNDLE_PREFIX)) {
    const predicate = annotations?.[SIGSTORE_PREDICATE_ANNOTATION];
    return predicate && predicate !== COSIGN_SIGN_PREDICATE ? 'attestation' : 'signature';
  }
  const known = KNOWN_KINDS[type];
  if (known) return known;
  if (/signature|simplesigning|notary|\.sig\./.test(type)) return 'signature';
  if (/in-toto|intoto|dsse|attestation|provenance|slsa|\.att\.|openvex|\bvex\b/.test(type)) return 'attestation';
  if (/sbom|spdx|cyclonedx|syft/.test(type)) return 'sbom';
  return 'other';
}
