// src/credentials: where logins come from. store.ts (a store keyed by registry host, and the source over it),
// docker-config.ts (the docker config's `auths`, identity tokens and credential helpers), chain.ts (several
// sources in order), ci-tokens.ts (GITHUB_TOKEN for ghcr.io, CI_JOB_TOKEN for GitLab CI's registry). Secrets never reach an error or a log: messages name files, hosts and helpers only.
export { chainCredentialSources } from './chain';
export { dockerConfigCredentialSource, dockerConfigPath, listDockerConfigRegistries, lookupDockerCredential, readDockerConfig, type DockerConfigOptions, type DockerConfigRegistry } from './docker-config';
export { hasLogin, memoryCredentialStore, toCredentialSource, type CredentialStore } from './store';
export { ciTokenCredentialSource } from './ci-tokens';
