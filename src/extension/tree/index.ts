// src/extension/tree: the Registries view. provider.ts is the TreeDataProvider (start there); state.ts and
// repo-state.ts hold what has been loaded per registry and repository; details.ts reads a tag's manifest, age, size,
// platforms and referrers in the background; items.ts draws each node; redraws.ts decides when a node is redrawn.
export { RegistryTreeProvider } from './provider';
