// The messages between the Cleanup Preview panel (panel.ts, in the extension host) and its webview (webview/main.ts,
// in the browser): plain data only, so both sides compile against the same types and the tests can post them too.
// The extension owns the state (the plan, the opt-outs, the run); the webview renders it, sorts and filters it, and
// sends back what the user did.

export type Fate = 'delete' | 'keep' | 'skip';

/** What happened to a row's image during the run. */
export type RunStatus = 'queued' | 'deleting' | 'deleted' | 'gone' | 'failed' | 'skipped';

export type Phase = 'preview' | 'confirming' | 'deleting' | 'cancelling' | 'done';

export interface Row {
  /** Stable within one preview: the row's index in the initial plan. */
  id: number;
  /** Undefined for an untagged manifest. */
  tag?: string;
  digest?: string;
  /** When the image was pushed (provider) or built (its config), ms since the epoch; undefined when unknown. */
  when?: number;
  /** `when` in words ("3 days ago"), or the words for unknown. */
  age: string;
  /** The image's size in bytes, when the provider or its manifest says. */
  size?: number;
  /** `size` in words, or the words for unknown. */
  sizeText: string;
  fate: Fate;
  /** Why, without the fate in front ("matches <2.0.0", "protected by ^latest$"). */
  reason: string;
  /** The user chose to keep this row although the policy would delete it. */
  optedOut: boolean;
  /** The row offers "keep this one": it would be deleted, or the user opted it out. */
  optional: boolean;
  status?: RunStatus;
  /** The error of a failed delete, the reason of a skip. */
  statusText?: string;
  /** The repository (the index of its GroupHeader) of a preview over several; 0 in a one-repository preview. */
  group?: number;
}

/** A row's fields that change after the first render (a re-plan, the run, lazily read ages and sizes). */
export type RowChange = Pick<Row, 'id'> & Partial<Omit<Row, 'id' | 'tag' | 'digest' | 'group'>>;

/**
 * One repository of a preview over several (a retention policy): a header row above its rows. The webview shows the
 * headers only when there is more than one; each group's rows are sorted and filtered under its own header.
 */
export interface GroupHeader {
  index: number;
  /** `host/repository`. */
  where: string;
  /** What planned it: "rule 1 (line 3): range <2.0.0 · keep 2 newest". */
  rule: string;
  /** What it deletes and keeps, and the space freed where counted; or that it could not be read. */
  summary: string;
  /** Set when the repository could not be read: the header says why, and the group has no rows. */
  error?: string;
  /** After (or during) the run: "deleted 3 of 3 images", "not started: cancelled". */
  status?: string;
  severity?: 'info' | 'warning' | 'error';
}

export interface FateTotal {
  /** Distinct images; an untagged manifest counts as one. */
  images: number;
  tags: number;
  /** Untagged manifests among the images. */
  untagged: number;
}

export interface Totals {
  delete: FateTotal;
  keep: FateTotal;
  skip: FateTotal;
  /** Bytes of the images to delete whose size is known. */
  freedBytes: number;
  /** Images to delete whose size is not known. */
  freedUnknown: number;
  /** The words for the space freed: "up to 1.2 GiB", "unknown", "at least 3 MiB (2 images of unknown size)". */
  freedText: string;
  /** How that figure was counted and what it cannot see (the tooltip of the total). */
  freedNote: string;
  /** The delete button's label: "Delete 12 images". */
  deleteLabel: string;
  /** One line: "Delete: 12 images (14 tags) · Keep: …". */
  summary: string;
}

export interface Progress {
  done: number;
  total: number;
  deleted: number;
  failed: number;
  skipped: number;
  /** "12 of 40 images", "Checking the tags again…". */
  text: string;
}

export interface ResultGroup {
  /** "failed: 403 denied", "not started: cancelled". */
  text: string;
  /** The tags (or short digests) it concerns. */
  items: string[];
}

export interface ResultView {
  /** The headline: "Deleted 10 of 12 images (12 tags). 2 failed." */
  headline: string;
  /** Each a sentence: already gone, cancelled, stopped by, lost tags, lost tags unchecked, garbage collection. */
  lines: string[];
  failed: ResultGroup[];
  skipped: ResultGroup[];
  /** Set when the registry's space comes back only after garbage collection: the button's label. */
  gcButton?: string;
  /** Set when what was deleted can be undone (it is in the undo journal): the button's label. */
  undoButton?: string;
  severity: 'info' | 'warning' | 'error';
}

/** Every word the webview shows, translated by the extension (a webview has no vscode.l10n). */
export interface Strings {
  title: string;
  policy: string;
  totalsLabel: string;
  fate: Record<Fate, string>;
  columns: { keep: string; tag: string; age: string; size: string; digest: string; fate: string; reason: string; status: string };
  untagged: string;
  keepThis: string;
  /** "Keep {0}": a checkbox's label; {0} is the tag. */
  keepRow: string;
  show: string;
  sortBy: string;
  cancel: string;
  cancelling: string;
  showLog: string;
  nothingToDelete: string;
  noRows: string;
  beforeDelete: string;
  whileDeleting: string;
  closeNote: string;
  status: Record<RunStatus, string>;
  failedHeading: string;
  skippedHeading: string;
  rowCount: string;
  /** "Repository {0}": a header row's label for screen readers; {0} is `host/repository`. */
  groupLabel: string;
}

export interface InitMessage {
  type: 'init';
  strings: Strings;
  rows: Row[];
  totals: Totals;
  notes: string[];
  phase: Phase;
  progress?: Progress;
  result?: ResultView;
  /** The repositories' headers, when the preview holds more than one. */
  groups?: GroupHeader[];
}

/** Extension → webview. `groups`, when present, replaces every header (a preview over several repositories). */
export type ToWebview =
  | InitMessage
  | { type: 'rows'; changes: RowChange[]; totals: Totals; groups?: GroupHeader[] }
  | { type: 'phase'; phase: Phase; progress?: Progress }
  | { type: 'progress'; changes: RowChange[]; progress: Progress; groups?: GroupHeader[] }
  | { type: 'result'; result: ResultView; progress?: Progress; groups?: GroupHeader[] };

/** What the webview shows after a render: for the tests, which cannot look into it. */
export interface RenderReport {
  /** Rows after the fate filter (header rows not counted). */
  shown: number;
  /** Rows in the DOM now (the table renders the visible window only; header rows not counted). */
  rendered: number;
  /** Repository header rows in the DOM now (0 in a one-repository preview). */
  headers?: number;
  total: number;
  deleteLabel: string;
  deleteDisabled: boolean;
  phase: Phase;
}

/** Webview → extension. */
export type FromWebview =
  | { type: 'ready' }
  | { type: 'optOut'; id: number; keep: boolean }
  | { type: 'delete' }
  | { type: 'cancel' }
  | { type: 'showLog' }
  | { type: 'gcDocs' }
  | { type: 'undo' }
  | { type: 'rendered'; report: RenderReport };
