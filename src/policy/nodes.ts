// Reading the YAML tree the `yaml` package builds: where a node is, what it holds, and a mapping's entries by name.
// Aliases are followed to the node they name (never expanded into JS values, so no alias bomb can grow); an alias
// that names no anchor is a problem. A mapping's entries report duplicate and non-text keys as problems.
import { isAlias, isMap, isScalar, isSeq, type Document, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import { unknownKeyProblem, type ProblemList, type Span } from './problems';

/** A value as written in the file: the node it resolves to (null when nothing is written), where it is, its path. */
export interface Written {
  node: Node | null;
  at: Span;
  field: string;
}

/** One `key: value` of a mapping whose key is known. `value` is undefined when it is an alias that names no anchor. */
export interface Entry<K extends string> {
  key: K;
  keyAt: Span;
  value?: Written;
}

export interface ReadContext {
  document: Document;
  problems: ProblemList;
}

export function spanOf(node: unknown, fallback: Span): Span {
  const range = (node as Node | null)?.range;
  if (!range || range[1] <= range[0]) return fallback;
  return { start: range[0], end: range[1] };
}

/** The node behind an alias (or the node itself); undefined, with a problem, when the alias names no anchor. */
function resolved(node: unknown, at: Span, field: string, context: ReadContext): Node | null | undefined {
  if (!isAlias(node)) return (node as Node | null) ?? null;
  const target = node.resolve(context.document);
  if (target === undefined) {
    context.problems.add(at, field, `the alias *${node.source} names no anchor`, `Define &${node.source} on an earlier value, or write the value here.`);
  }
  return target ?? undefined;
}

/** The written value at `node` (a pair's value, a list's item), or undefined when it is a dangling alias. */
export function writtenAt(node: unknown, fallback: Span, field: string, context: ReadContext): Written | undefined {
  const at = spanOf(node, fallback);
  const target = resolved(node, at, field, context);
  return target === undefined ? undefined : { node: target, at, field };
}

/** The plain value of a scalar (text, number, boolean, null), or undefined for a list or a mapping. */
export function scalarValue(written: Written): unknown {
  if (written.node === null) return null;
  return isScalar(written.node) ? written.node.value : undefined;
}

export function asMap(written: Written): YAMLMap | undefined {
  return isMap(written.node) ? written.node : undefined;
}

export function asSeq(written: Written): YAMLSeq | undefined {
  return isSeq(written.node) ? written.node : undefined;
}

/** What a value is, for "must be …, got …" messages. */
export function describeValue(written: Written): string {
  if (isMap(written.node)) return 'a mapping';
  if (isSeq(written.node)) return 'a list';
  const value = scalarValue(written);
  if (value === null || value === undefined) return 'nothing';
  if (typeof value === 'string') return `the text "${value}"`;
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'boolean') return String(value);
  return 'a value of another kind';
}

function keyText(pair: Pair): string | undefined {
  const key = isAlias(pair.key) ? undefined : pair.key;
  if (key === null || key === undefined) return undefined;
  if (isScalar(key)) return key.value === null ? undefined : String(key.value);
  return undefined;
}

/** Whether a mapping has the key (written once or more, whatever its value). */
export function hasKey(map: YAMLMap, key: string): boolean {
  return map.items.some((pair) => keyText(pair) === key);
}

/**
 * The entries of a mapping whose keys are in `allowed`, in file order. A key not allowed, a key written twice (the
 * second is reported; the first counts), or a key that is not plain text is a problem and yields no entry.
 */
export function entriesOf<K extends string>(map: YAMLMap, allowed: readonly K[], path: string, where: string, context: ReadContext): Entry<K>[] {
  const entries: Entry<K>[] = [];
  const seen = new Map<string, Span>();
  const mapAt = spanOf(map, { start: 0, end: 0 });
  for (const pair of map.items) {
    const keyAt = spanOf(pair.key, spanOf(pair.value, mapAt));
    const key = keyText(pair);
    if (key === undefined) {
      context.problems.add(keyAt, path, `${where} has a key that is not a name`, `Write each key as a plain name, e.g. ${allowed[0]}.`);
      continue;
    }
    const field = path ? `${path}.${key}` : key;
    const first = seen.get(key);
    if (first !== undefined) {
      const line = context.problems.lineOf(first);
      context.problems.add(keyAt, field, `${key} is given twice (first on line ${line})`, `Keep one ${key} and remove the other.`);
      continue;
    }
    seen.set(key, keyAt);
    if (!allowed.includes(key as K)) {
      const { message, fix } = unknownKeyProblem(key, allowed, where);
      context.problems.add(keyAt, field, message, fix);
      continue;
    }
    entries.push({ key: key as K, keyAt, value: writtenAt(pair.value, keyAt, field, context) });
  }
  return entries;
}
