// src/registry: the Docker Registry HTTP API V2 / OCI Distribution protocol. Start with client.ts (one session and
// the verbs on top: listing.ts, manifests.ts, referrers.ts, delete.ts, push.ts), then session.ts (base URL,
// redirects, and the rule that credentials go only to the registry's own origin), auth.ts (challenges, tokens) and
// transport.ts (undici, retries, deadlines). References are values (reference.ts); errors are values (errors.ts).
// Referrer tags (cosign's `sha256-<hex>.sig`, the referrers tag schema) are told from their names (referrer-tags.ts).
export { createRegistryClient } from './client';
export { isHostedRegistry, isLoopbackHost, isSelfHostedDistribution, limitsManifestReads } from './hosts';
export { badInput, capitalise, describeError, errorSentence, isAuthError, isGone, isRegistryError, RegistryError, stopsBatch, type ErrorCode, type Need } from './errors';
export { formatReference, isDigest, parseReference, parseRegistry, registryKey, shortDigest, validateDigest, validateRepository, validateTag, type Reference, type RegistryAddress } from './reference';
export { DOCKER_HUB } from './reference';
export { isIndex, manifestKind, MANIFEST_ACCEPT, referrerKind, type ManifestKind, type ReferrerKind } from './mediatypes';
export { cosignTagsOf, isReferrerTag, referrersTagOf, referrerTagSubject, type ReferrerTag, type ReferrerTagSource } from './referrer-tags';
export { formatSize } from './format';
export { httpsFailureMeansPlainHttp } from './transport';
export { mapLimit } from './concurrency';
export { redact } from './redact';
export type * from './types';
export { checkProviderChoice, PROVIDER_CHOICES, type Lock, type ManifestDetail, type Provider, type ProviderChoice, type ProviderName, type Quota, type RepositoryFacts, type TagDetail } from './providers';
