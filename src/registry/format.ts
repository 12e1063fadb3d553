// Formatting shared by the CLI and the extension, so both faces show the same numbers.

/** Bytes in binary units: `512 B`, `1.5 KiB`, `23 MiB`. */
export function formatSize(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} ${units[u]}` : `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}
