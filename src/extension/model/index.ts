// src/extension/model: the editor's plain data, no vscode import (unit-tested in plain node): the Registries tree's
// nodes (nodes.ts), what to offer when a registry cannot be reached (recovery.ts), what the tree says of signatures and
// SBOMs from the tag list alone (referrers.ts), the registryExplorer.* settings, validated (settings.ts), and whether
// a workspace's entry may have the user's login (login-route.ts).
export * from './login-route';
export * from './nodes';
export * from './recovery';
export * from './referrers';
export * from './settings';
