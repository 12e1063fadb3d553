// The policy file as a whole: YAML (JSON is YAML too) → the document's rules, or every problem in it.
// Invariants: parsePolicy never throws for any text; it returns a document only when there is no problem, and then
// every rule in it passed the same checks as the CLI's and the extension's prune. When the YAML itself is broken,
// only the YAML's problems are reported: what the parser made of the rest is a guess, and problems about a guess
// would mislead.
import { LineCounter, parseDocument, type Document, type YAMLError } from 'yaml';
import { describeError } from '../registry/errors';
import { asMap, asSeq, describeValue, entriesOf, hasKey, scalarValue, spanOf, writtenAt, type ReadContext, type Written } from './nodes';
import { ProblemList, WHOLE_DOCUMENT_START } from './problems';
import { POLICY_FILE_KEYS, type PolicyDocument, type PolicyProblem, type PolicyRule } from './types';
import { readRule } from './validate';

const BYTE_ORDER_MARK = '\uFEFF';

const EXAMPLE_RULE = 'rules: [{ registry: registry.example.com, repositories: ["team/*"], semver: "<2.0.0" }]';

function yamlFix(error: YAMLError): string {
  if (error.code === 'MULTIPLE_DOCS') return 'Keep one document: remove the --- line and what follows it, or move those rules into the first list.';
  if (error.code === 'TAG_RESOLVE_FAILED') return 'Remove the tag (the word starting with !) before the value.';
  return 'Check the indentation, quotes and brackets here.';
}

function yamlMessage(error: YAMLError): string {
  if (error.code === 'MULTIPLE_DOCS') return 'the file holds more than one YAML document (a --- line starts another); a policy is one document';
  const text = error.message.split('\n')[0];
  return `not valid YAML: ${text.charAt(0).toLowerCase()}${text.slice(1)}`;
}

/** The parser's errors and warnings (an unknown tag, say): the file is refused for either. */
function addYamlProblems(document: Document, problems: ProblemList): void {
  for (const error of [...document.errors, ...document.warnings]) {
    problems.add({ start: error.pos[0], end: error.pos[1] }, '', yamlMessage(error), yamlFix(error));
  }
}

function readRules(value: Written, context: ReadContext): PolicyRule[] {
  const seq = asSeq(value);
  if (!seq) {
    context.problems.add(value.at, 'rules', `rules must be a list of rules (got ${describeValue(value)})`, 'Start each rule on its own line with "- ", under rules:.');
    return [];
  }
  if (seq.items.length === 0) {
    context.problems.add(value.at, 'rules', 'rules is empty: the policy would clean nothing', `Add at least one rule, e.g. ${EXAMPLE_RULE}`);
    return [];
  }
  const rules: PolicyRule[] = [];
  seq.items.forEach((node, index) => {
    const item = writtenAt(node, value.at, `rules[${index}]`, context);
    const rule = item && readRule(item, index, context);
    if (rule) rules.push(rule);
  });
  return rules;
}

/** The top of the file: a mapping of `rules` (required) and `$schema` (optional, text). */
function readTop(document: Document, context: ReadContext): PolicyRule[] {
  const top = writtenAt(document.contents, WHOLE_DOCUMENT_START, '', context);
  if (top === undefined) return [];
  if (top.node === null || scalarValue(top) === null) {
    context.problems.add(top.at, '', 'the file holds no rules', `Write the rules as a list under rules:, e.g. ${EXAMPLE_RULE}`);
    return [];
  }
  const map = asMap(top);
  if (!map) {
    context.problems.add(top.at, '', `the file must be a mapping with a rules list (got ${describeValue(top)})`, `Start the file with rules:, e.g. ${EXAMPLE_RULE}`);
    return [];
  }
  let rules: PolicyRule[] = [];
  for (const entry of entriesOf(map, POLICY_FILE_KEYS, '', 'the file', context)) {
    if (entry.value === undefined) continue;
    if (entry.key === 'rules') rules = readRules(entry.value, context);
    else if (typeof scalarValue(entry.value) !== 'string') {
      context.problems.add(entry.value.at, '$schema', `$schema must be the schema's address as text (got ${describeValue(entry.value)})`, 'Remove $schema, or give the URL or path of the schema.');
    }
  }
  if (!hasKey(map, 'rules')) {
    const first = map.items[0];
    const at = first ? spanOf(first.key, top.at) : top.at;
    context.problems.add(at, 'rules', 'the file has no rules', `Add a rules: list, e.g. ${EXAMPLE_RULE}`);
  }
  return rules;
}

function parseChecked(text: string, file: string): { document?: PolicyDocument; problems: PolicyProblem[] } {
  const source = text.startsWith(BYTE_ORDER_MARK) ? text.slice(BYTE_ORDER_MARK.length) : text;
  const lines = new LineCounter();
  const document = parseDocument(source, { lineCounter: lines, uniqueKeys: false, prettyErrors: false });
  const problems = new ProblemList(lines);
  addYamlProblems(document, problems);
  if (problems.count > 0) return { problems: problems.sorted() };
  const rules = readTop(document, { document, problems });
  if (problems.count > 0) return { problems: problems.sorted() };
  return { document: { file, rules }, problems: [] };
}

/** Never throws for bad content: problems are returned (all of them, in document order), and document only when there are none. */
export function parsePolicy(text: string, file: string): { document?: PolicyDocument; problems: PolicyProblem[] } {
  try {
    return parseChecked(String(text), file);
  } catch (e) {
    // Not expected: the readers turn every refusal into a problem. Should a bug throw, the file is still refused.
    const problem = { line: 1, column: 1, endLine: 1, endColumn: 1, field: '', message: `the policy could not be checked: ${describeError(e).message}` };
    return { problems: [problem] };
  }
}
