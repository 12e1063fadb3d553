// Tokens a CI job already has, as a last resort when no other login is given: GitHub's GITHUB_TOKEN (or the gh CLI's
// GH_TOKEN) for ghcr.io, and GitLab CI's CI_JOB_TOKEN for the job's own registry (CI_REGISTRY). Each goes only to the
// registry it was made for; the user name is the one the service expects (GITHUB_ACTOR, gitlab-ci-token).
import type { Credential, CredentialSource } from '../registry/types';

export function ciTokenCredentialSource(env: Readonly<Record<string, string | undefined>>): CredentialSource {
  return async (host: string): Promise<Credential | undefined> => {
    const github = env.GITHUB_TOKEN || env.GH_TOKEN;
    if (host === 'ghcr.io' && github) return { username: env.GITHUB_ACTOR || 'token', password: github };
    if (env.CI_JOB_TOKEN && env.CI_REGISTRY && host === env.CI_REGISTRY.toLowerCase()) return { username: 'gitlab-ci-token', password: env.CI_JOB_TOKEN };
    return undefined;
  };
}
