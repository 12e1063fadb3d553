// The real quick inputs behind ui.ts's multi-step prompts (VS Code's multi-step input pattern): one input box or
// quick pick per step, "n/N" in the title, a Back button from the second step on, live validation, and the step
// left on screen (busy) until the next one replaces it, so a wizard does not flicker between its steps.
// Only ui.ts calls the show functions (tests answer through its hooks instead).
import * as vscode from 'vscode';

/** What a step resolves with when its Back button is pressed (ui.ts's BACK). */
export const BACK = 'registryExplorer.back';
export type Back = typeof BACK;

/** Where a step stands in its wizard. */
export interface StepPlace {
  /** This step's number, from 1. */
  step: number;
  /** The steps of the path as the answers so far decide it (a later answer may add some). */
  totalSteps: number;
  /** Shows the Back button (every step but the first). */
  canGoBack: boolean;
}

export interface StepInputOptions extends StepPlace {
  title: string;
  prompt: string;
  placeHolder?: string;
  value?: string;
  password?: boolean;
  /** The problem with a value (it cannot be accepted then), or undefined. */
  validate?: (value: string) => string | undefined;
  /** A remark on a valid value, shown as you type (e.g. "Matches 4 of 9 tags"). */
  describe?: (value: string) => string | undefined;
  /** Why the step is asked (again), shown until something is typed (e.g. "the registry rejected the password"). */
  notice?: string;
  /** The steps in all if `value` were the answer: the counter follows what is typed. */
  totalIf?: (value: string) => number;
}

export interface StepPickOptions<T extends vscode.QuickPickItem> extends StepPlace {
  title: string;
  placeHolder: string;
  /** The item highlighted first: the earlier answer when the user came back. */
  active?: T;
  /** The steps in all if `item` were chosen: the counter follows the highlighted item. */
  totalIf?: (item: T) => number;
  matchOnDescription?: boolean;
  /** Why the step is asked again, shown before the placeholder. */
  notice?: string;
}

export interface StepPickManyOptions<T extends vscode.QuickPickItem> extends Omit<StepPickOptions<T>, 'totalIf'> {
  /** The items checked at first (default: those with `picked`). */
  selected?: readonly T[];
  /** The steps in all if `checked` were the answer: the counter follows the checks. */
  totalIf?: (checked: readonly T[]) => number;
}

/**
 * The quick input a wizard shows now. A new step is shown before the old one is disposed; work between steps (a
 * connection test, reading tags) shows on the step just answered as busy, and Escape there cancels that work.
 */
export class StepSession {
  private current: vscode.QuickInput | undefined;

  show(next: vscode.QuickInput): void {
    next.show();
    this.current?.dispose();
    this.current = next;
  }

  /**
   * Runs `work` with the current step busy and disabled. Hiding the step (Escape) aborts the signal given to `work`
   * and makes the result undefined: the user cancelled.
   */
  async whileBusy<T>(work: (signal: AbortSignal) => PromiseLike<T>): Promise<T | undefined> {
    const controller = new AbortController();
    const shown = this.current;
    const sub = shown?.onDidHide(() => controller.abort());
    if (shown) {
      shown.busy = true;
      shown.enabled = false;
    }
    try {
      const value = await work(controller.signal);
      return controller.signal.aborted ? undefined : value;
    } finally {
      sub?.dispose();
      if (shown && this.current === shown) {
        shown.busy = false;
        shown.enabled = true;
      }
    }
  }

  close(): void {
    this.current?.dispose();
    this.current = undefined;
  }
}

function place(input: vscode.QuickInput, title: string, at: StepPlace): void {
  input.title = title;
  input.step = at.step;
  input.totalSteps = at.totalSteps;
  input.ignoreFocusOut = true;
}

function backButton<T>(at: StepPlace): T[] {
  return at.canGoBack ? [vscode.QuickInputButtons.Back as T] : [];
}

/** Resolves once, then stops listening (the input itself stays until the session replaces or closes it). */
function settle<T>(resolve: (v: T) => void, subs: vscode.Disposable[]): (v: T) => void {
  let done = false;
  return (v) => {
    if (done) return;
    done = true;
    for (const s of subs) s.dispose();
    resolve(v);
  };
}

const info = (message: string): vscode.InputBoxValidationMessage => ({ message, severity: vscode.InputBoxValidationSeverity.Info });
const warning = (message: string): vscode.InputBoxValidationMessage => ({ message, severity: vscode.InputBoxValidationSeverity.Warning });
const error = (message: string): vscode.InputBoxValidationMessage => ({ message, severity: vscode.InputBoxValidationSeverity.Error });

/** The line under the box: the problem (after something was typed), else the remark on a valid value. */
function remark(o: StepInputOptions, value: string, typed: boolean): vscode.InputBoxValidationMessage | undefined {
  if (!value && !typed) return undefined;
  const problem = o.validate?.(value);
  if (problem) return error(problem);
  const said = o.describe?.(value);
  return said ? info(said) : undefined;
}

export function showStepInput(session: StepSession, o: StepInputOptions): Promise<string | Back | undefined> {
  return new Promise((resolve) => {
    const box = vscode.window.createInputBox();
    place(box, o.title, o);
    box.prompt = o.prompt;
    box.placeholder = o.placeHolder;
    box.password = o.password ?? false;
    box.value = o.value ?? '';
    box.buttons = backButton(o);
    box.validationMessage = o.notice ? warning(o.notice) : remark(o, box.value, false);
    const subs: vscode.Disposable[] = [];
    const done = settle(resolve, subs);
    subs.push(
      box.onDidChangeValue((v) => {
        box.validationMessage = remark(o, v, true);
        if (o.totalIf) box.totalSteps = o.totalIf(v);
      }),
      box.onDidAccept(() => {
        const problem = o.validate?.(box.value);
        if (problem) box.validationMessage = error(problem);
        else done(box.value);
      }),
      box.onDidTriggerButton((b) => b === vscode.QuickInputButtons.Back && done(BACK)),
      box.onDidHide(() => done(undefined)),
    );
    session.show(box);
  });
}

function quickPick<T extends vscode.QuickPickItem>(items: readonly T[], o: Omit<StepPickOptions<T>, 'totalIf'>): vscode.QuickPick<T> {
  const qp = vscode.window.createQuickPick<T>();
  place(qp, o.title, o);
  qp.placeholder = o.notice ? `${o.notice} ${o.placeHolder}` : o.placeHolder;
  qp.matchOnDescription = o.matchOnDescription ?? false;
  qp.buttons = backButton(o);
  qp.items = items;
  if (o.active) qp.activeItems = [o.active];
  return qp;
}

export function showStepPick<T extends vscode.QuickPickItem>(session: StepSession, items: readonly T[], o: StepPickOptions<T>): Promise<T | Back | undefined> {
  return new Promise((resolve) => {
    const qp = quickPick(items, o);
    const subs: vscode.Disposable[] = [];
    const done = settle(resolve, subs);
    const follow = (active: readonly T[]) => {
      if (o.totalIf && active[0]) qp.totalSteps = o.totalIf(active[0]);
    };
    follow(qp.activeItems);
    subs.push(
      qp.onDidChangeActive(follow),
      qp.onDidAccept(() => {
        const chosen = qp.selectedItems[0] ?? qp.activeItems[0];
        if (chosen) done(chosen);
      }),
      qp.onDidTriggerButton((b) => b === vscode.QuickInputButtons.Back && done(BACK)),
      qp.onDidHide(() => done(undefined)),
    );
    session.show(qp);
  });
}

export function showStepPickMany<T extends vscode.QuickPickItem>(session: StepSession, items: readonly T[], o: StepPickManyOptions<T>): Promise<T[] | Back | undefined> {
  return new Promise((resolve) => {
    const qp = quickPick(items, o);
    qp.canSelectMany = true;
    qp.selectedItems = o.selected ?? items.filter((i) => i.picked);
    const subs: vscode.Disposable[] = [];
    const done = settle(resolve, subs);
    if (o.totalIf) qp.totalSteps = o.totalIf(qp.selectedItems);
    subs.push(
      qp.onDidChangeSelection((checked) => o.totalIf && (qp.totalSteps = o.totalIf(checked))),
      qp.onDidAccept(() => done([...qp.selectedItems])),
      qp.onDidTriggerButton((b) => b === vscode.QuickInputButtons.Back && done(BACK)),
      qp.onDidHide(() => done(undefined)),
    );
    session.show(qp);
  });
}
