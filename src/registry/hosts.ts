// What a registry host says about itself before any request: hosted service or self-hosted, loopback or not.

/** Registries run as a service: space is theirs to reclaim, and deletion is their API's business. */
const HOSTED = /(^|\.)(docker\.io|ghcr\.io|gcr\.io|pkg\.dev|azurecr\.io|amazonaws\.com|quay\.io|gitlab\.com|jfrog\.io|ocir\.io|icr\.io|digitalocean\.com)(:\d+)?$/;

/** A registry run as a service (Docker Hub, GHCR, ECR, …); anything else is treated as self-hosted distribution. */
export function isHostedRegistry(host: string): boolean {
  return HOSTED.test(host);
}

/** Self-hosted CNCF distribution (or alike): deleted space comes back only after its garbage collection. */
export function isSelfHostedDistribution(host: string): boolean {
  return !isHostedRegistry(host);
}

/** localhost, 127.0.0.0/8 and [::1], with or without a port: the only hosts where https may fall back to http. */
export function isLoopbackHost(host: string): boolean {
  const hostname = host.replace(/:\d+$/, '');
  return hostname === 'localhost' || /^127(\.\d{1,3}){3}$/.test(hostname) || hostname === '[::1]';
}

/**
 * Docker Hub counts every manifest GET as a pull against the user's pull limit (a HEAD is free): nothing should read
 * manifests there that the user did not ask for.
 */
export function limitsManifestReads(host: string): boolean {
  return /(^|\.)docker\.io(:\d+)?$/.test(host);
}
