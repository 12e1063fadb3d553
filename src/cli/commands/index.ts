// The regx commands, one verb per file. Each takes parsed arguments and the IO, and returns the exit code:
// 0 done, 1 an operation failed, 2 bad usage or bad input.
export { digest, repos, tags } from './browse';
export { inspect } from './inspect';
export { manifests } from './manifests';
export { deleteImage } from './delete';
export { prune, policyFromArgs } from './prune';
export { apply } from './apply';
export { untag } from './untag';
export { journal } from './journal';
export { restore } from './restore';
export type { Context } from '../context';
