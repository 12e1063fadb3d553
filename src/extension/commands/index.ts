// The extension's commands: each asks the user, calls the engine (src/ops through src/engine.ts), and shows the
// result. registries.ts (add, import, credentials, remove, filter), tags.ts (copy, open), delete.ts (Delete
// Image), untag.ts, pull.ts (Pull Image), repository.ts (Copy Repository Name, Delete Repository), prune.ts (Prune
// Tags by Semver), undo.ts (the undo journal every deletion writes first, the Undo button; undo-action.ts restores,
// recently-deleted.ts lists), feedback.ts (how results and errors are told).
export { addRegistry, addRepository, editCredentials, filterRepositories, importDockerConfig, refresh, removeRegistry } from './registries';
export { copyDigest, copyImageReference, copyPullCommand, copyTag, openConfig, openManifest } from './tags';
export { pullImage } from './pull';
export { copyRepositoryName, deleteRepository, type DeleteRepositoryOutcome } from './repository';
export { deleteImage, type DeleteOutcome } from './delete';
export { untag } from './untag';
export { deleteUntagged, type UntaggedOutcome } from './untagged';
export { pruneTags, type PruneOutcome } from './prune';
export { chooseCaFile, clearFilter, editAddress, filterTags, markInsecure, openRegistrySettings } from './tree-actions';
export { recentlyDeleted } from './recently-deleted';
export { journalFor } from './undo';
export type { UndoOutcome } from './undo-action';
