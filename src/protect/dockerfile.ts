// The base images of a Dockerfile: `FROM [--platform=…] <ref> [AS name]`. `scratch` and earlier build stages are
// not images of a registry, so they are left out. Continuation lines (`\`) are joined.
import type { FoundText } from './types';

export function dockerfileImageTexts(source: string): FoundText[] {
  const found: FoundText[] = [];
  const stages = new Set<string>();
  const lines = source.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let text = lines[i];
    while (/\\\s*$/.test(text) && i + 1 < lines.length) text = text.replace(/\\\s*$/, ' ') + lines[++i];
    const words = text.trim().split(/\s+/);
    if (words[0]?.toUpperCase() !== 'FROM') continue;
    const rest = words.slice(1).filter((w) => !w.startsWith('--'));
    const image = rest[0];
    if (!image) continue;
    const earlierStage = stages.has(image.toLowerCase());
    if (rest[1]?.toUpperCase() === 'AS' && rest[2]) stages.add(rest[2].toLowerCase());
    if (image.toLowerCase() === 'scratch' || earlierStage) continue;
    found.push({ text: image, line: start + 1 });
  }
  return found;
}
