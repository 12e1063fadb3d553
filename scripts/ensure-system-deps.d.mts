// Types for scripts/ensure-system-deps.mjs, which the TypeScript test support imports.
export function missingSystemPackages(names: readonly string[]): string[];
export function ensureSystemPackages(names: readonly string[], log?: (line: string) => void): void;
