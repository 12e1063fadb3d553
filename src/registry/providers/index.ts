// src/registry/providers: what hosted registries' own APIs add to V2, behind one small interface (types.ts).
// detect.ts picks the provider (named by the user, or detected); acr.ts and harbor.ts implement it; distribution
// is the provider with nothing extra. paging.ts follows their pages with the same guards as the V2 listings.
export { checkProviderChoice, detectProvider, providerNamed } from './detect';
export { PROVIDER_CHOICES, type Lock, type ManifestDetail, type Provider, type ProviderChoice, type ProviderName, type Quota, type RepositoryFacts, type TagDetail } from './types';
export { apiOrigin, createApiSession, type ApiRequest, type ApiSession } from './api';
