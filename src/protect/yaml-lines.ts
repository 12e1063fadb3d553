// Line-based reading of YAML for image references: no YAML library, tolerant of anything it does not understand.
// Finds `image: <ref>`, Helm's `image:` block (`registry:` + `repository:` + `tag:`/`digest:`), GitLab's
// `image: { name: … }` / `image:` + `name:`, `image:` inside a one-line flow collection under any key
// (`services: { web: { image: … } }`), and in GitHub workflows `container: <ref>`, `container: { image: … }` and
// `uses: docker://<ref>`. Comments, quotes, block scalars (`run: |`) and `---` documents are handled.
import type { FoundText } from './types';

export interface YamlOptions {
  /** A GitHub Actions workflow: `container:` and `uses: docker://` count too. */
  workflow?: boolean;
}

interface Block {
  key: string;
  indent: number;
  line: number;
  children: Record<string, string>;
}

/** The line without its comment: a `#` at the start or after a space, outside quotes. */
export function stripComment(line: string): string {
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]))) return line.slice(0, i);
  }
  return line;
}

/** A scalar without its quotes. */
export function unquote(value: string): string {
  const v = value.trim();
  if (v.length >= 2 && (v[0] === '"' || v[0] === "'") && v[v.length - 1] === v[0]) return v.slice(1, -1).trim();
  return v;
}

/** `{ name: x, tag: "1" }` → { name: 'x', tag: '1' }. Flat flow mappings only. */
function flowMapping(value: string): Record<string, string> | undefined {
  const v = value.trim();
  if (!v.startsWith('{') || !v.endsWith('}')) return undefined;
  const out: Record<string, string> = {};
  for (const part of v.slice(1, -1).split(',')) {
    const m = /^\s*([\w.-]+)\s*:\s*(.*)$/.exec(part);
    if (m) out[m[1]] = unquote(m[2]);
  }
  return out;
}

/** The reference a mapping of `image:` (or `container:`) children names, or undefined. */
function fromMapping(key: string, children: Record<string, string>): string | undefined {
  if (key === 'container') return children.image;
  if (children.name) return children.name;
  if (!children.repository) return undefined;
  const repo = children.registry ? `${children.registry}/${children.repository}` : children.repository;
  if (children.digest) return `${repo}@${children.digest}`;
  return children.tag ? `${repo}:${children.tag}` : undefined;
}

/** What a Helm-style block lacked, as a skipped text; undefined when it named nothing image-like. */
function incomplete(children: Record<string, string>): string | undefined {
  return children.repository ? `repository: ${children.repository} (no tag: the chart's default applies)` : undefined;
}

const KEY_LINE = /^(\s*)((?:-\s+)*)(["']?)([\w.-]+)\3\s*:(?:\s+(.*))?$/;

/** `image: <ref>` inside a flow collection on one line (`{ web: { image: x } }`, `[{ name: a, image: "x" }]`). */
const FLOW_IMAGE = /[{,]\s*(["']?)image\1\s*:\s*("[^"]*"|'[^']*'|[^\s,{}[\]]+)/g;

/** A value without the flow collection's `,` `}` `]` after it (a `}` the value opened itself, as in `${TAG}`, stays). */
function withoutCollectionEnd(value: string): string {
  let v = value.replace(/[\s,]+$/, '');
  const count = (c: string) => v.split(c).length - 1;
  while (/[}\]]$/.test(v) && count(v.endsWith('}') ? '}' : ']') > count(v.endsWith('}') ? '{' : '[')) v = v.slice(0, -1).replace(/[\s,]+$/, '');
  return v;
}

/** The image references a line's flow collections hold. */
function flowImages(text: string): string[] {
  return [...text.matchAll(FLOW_IMAGE)].map((m) => unquote(m[2])).filter((ref) => ref !== '');
}

/** The image references of one YAML file's text, with their lines. Texts for skipping carry `skip: ` in front. */
export function yamlImageTexts(source: string, options: YamlOptions = {}): FoundText[] {
  const found: FoundText[] = [];
  const keys = options.workflow ? new Set(['image', 'container']) : new Set(['image']);
  let block: Block | undefined;
  let scalarIndent = -1;
  const close = (): void => {
    if (!block) return;
    const ref = fromMapping(block.key, block.children);
    const missing = ref === undefined ? incomplete(block.children) : undefined;
    if (ref !== undefined) found.push({ text: ref, line: block.line });
    else if (missing) found.push({ text: `skip: ${missing}`, line: block.line });
    block = undefined;
  };
  const lines = source.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i];
    if (/^(---|\.\.\.)\s*$/.test(raw)) {
      close();
      scalarIndent = -1;
      continue;
    }
    const text = stripComment(raw);
    if (!text.trim()) continue;
    const indent = /^\s*/.exec(text)![0].length;
    if (scalarIndent >= 0 && indent > scalarIndent) continue; // inside a block scalar (run: |)
    scalarIndent = -1;
    const m = KEY_LINE.exec(text);
    if (!m) {
      for (const ref of flowImages(text)) found.push({ text: ref, line: i + 1 });
      continue;
    }
    const keyIndent = m[1].length + m[2].length;
    const key = m[4];
    const value = (m[5] ?? '').trim();
    if (block && keyIndent <= block.indent) close();
    if (block) {
      block.children[key] = unquote(value);
      continue;
    }
    if (/^[|>][-+0-9]*$/.test(value)) {
      scalarIndent = keyIndent;
      continue;
    }
    if (options.workflow && key === 'uses' && unquote(value).startsWith('docker://')) {
      found.push({ text: unquote(value).slice('docker://'.length), line: i + 1 });
      continue;
    }
    if (!keys.has(key)) {
      // A flow collection under any other key (`services: { web: { image: x } }`) is read for `image:` too.
      for (const ref of flowImages(value)) found.push({ text: ref, line: i + 1 });
      continue;
    }
    if (!value) {
      block = { key, indent: keyIndent, line: i + 1, children: {} };
      continue;
    }
    const mapping = flowMapping(value);
    // `image: x,` or `image: "x" }` on a line of a flow collection spread over several lines: the punctuation after it
    // is the collection's, never the reference's.
    const ref = mapping ? fromMapping(key, mapping) : unquote(withoutCollectionEnd(value));
    if (ref) found.push({ text: ref, line: i + 1 });
  }
  close();
  return found;
}
