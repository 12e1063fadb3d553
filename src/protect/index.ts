// src/protect: what the workspace deploys, so that cleanups never delete it. No vscode, no registry requests.
// scan.ts (scanWorkspace: a folder → every image reference in its Dockerfiles, compose files, Kubernetes
// manifests, Helm values, GitHub Actions and GitLab CI, the ones skipped because they hold a variable, and the files
// and folders it could not read),
// protection.ts (protectionFor: a scan + a repository → the tags and digests to keep, each with "used in file:line",
// as the prune policy's `protectedBy` / `protectedDigests` take them). dockerfile.ts and yaml-lines.ts read the files.
export { fileKind, scanWorkspace, scanWorkspaces, type ScanFs } from './scan';
export { protectedReason, protectionFor, scanNote, skippedNote, unreadNote, type Protection } from './protection';
export { dockerfileImageTexts } from './dockerfile';
export { stripComment, yamlImageTexts, type YamlOptions } from './yaml-lines';
export type { DeployedRef, DeployScan, FoundText, SkippedRef, UnreadPath } from './types';
