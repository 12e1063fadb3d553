// Every question the extension asks the user goes through here, so the extension-host tests can answer it.
//
// How tests answer (the only way to skip a dialog):
//   `activate()` returns an API whose `testHooks` is the object below. A test sets `testHooks.answer` to a
//   function; from then on each prompt calls it with a PromptRequest (a stable `id` such as 'delete.confirm',
//   the words that would be shown, the items of a pick, the validator of an input box) instead of opening UI.
//   The function returns what the user would have chosen:
//     confirm  → true to press the action button, false/undefined to cancel;
//     input    → the typed string (it is run through the same validator; an invalid answer fails the command
//                 with the validator's message), or undefined for Escape;
//     pick     → one of `items` (or its label), or undefined;
//     pickMany → the chosen items (or labels), or undefined;
//     choose   → one of `actions` (a button's label), or undefined for the dialog's close button (`closeLabel`);
//     openFile → a file's path, or undefined for Cancel.
//   Steps of a multi-step input (stepInput, stepPick, stepPickMany) are 'input', 'pick' and 'pickMany' prompts
//   that also carry `step`/`totalSteps` (the "n/N" shown), `canGoBack`, and where set `notice` (why the step is
//   asked again), `describe` (the live remark on a valid value, e.g. "Matches 4 of 9 tags") and `active` (the
//   item highlighted first: the earlier answer after Back). Answer them as above, or with `BACK` (exported
//   below) to press the Back button; BACK on a step without one fails the command.
//   Every prompt and every message shown is also recorded in `testHooks.prompts` / `testHooks.messages`.
// Production never sets `answer` (nothing outside the tests can reach the API's testHooks through the
// command palette or a menu), so the real modal or input always shows and nothing destructive happens unasked.
import * as vscode from 'vscode';
import { capitalise, errorSentence } from '../engine';
import {
  BACK,
  showStepInput,
  showStepPick,
  showStepPickMany,
  StepSession,
  type Back,
  type StepInputOptions,
  type StepPickManyOptions,
  type StepPickOptions,
} from './quickinput';

export { BACK, StepSession, type Back, type StepInputOptions, type StepPickManyOptions, type StepPickOptions, type StepPlace } from './quickinput';

export type PromptKind = 'confirm' | 'input' | 'pick' | 'pickMany' | 'choose' | 'openFile';

export interface PromptRequest {
  /** Stable identifier of the question, e.g. 'addRegistry.url', 'delete.confirm', 'prune.preview'. */
  id: string;
  kind: PromptKind;
  title?: string;
  /** The question, or for a confirm the modal's message. */
  message: string;
  /** A confirm's detail text (e.g. every tag that disappears). */
  detail?: string;
  /** A confirm's action button. */
  action?: string;
  items?: readonly vscode.QuickPickItem[];
  /** The value an input box starts with. */
  value?: string;
  validate?: (value: string) => string | undefined;
  /** A step's number in its wizard, and the steps of the path as known now ("n/N" in the title). */
  step?: number;
  totalSteps?: number;
  /** The step shows a Back button: answer BACK to press it. */
  canGoBack?: boolean;
  /** Why the step is asked (again), e.g. the registry rejected the password. */
  notice?: string;
  /** An input step's remark on a valid value, shown as you type. */
  describe?: (value: string) => string | undefined;
  /** A pick step's item highlighted first (the earlier answer, after Back). */
  active?: vscode.QuickPickItem;
  /** A choose's buttons, and its close button (Escape). */
  actions?: string[];
  closeLabel?: string;
}

export interface ShownMessage {
  severity: 'info' | 'warning' | 'error';
  message: string;
  buttons: string[];
  /** Shown in the status bar for a few seconds, not as a notification. */
  statusBar?: boolean;
}

export interface TestHooks {
  /** Set by tests only. See the comment at the top of this file. */
  answer?: (request: PromptRequest) => unknown;
  /** Every prompt asked (answered by a test or shown to the user). */
  readonly prompts: PromptRequest[];
  /** Every notification shown. */
  readonly messages: ShownMessage[];
}

export const testHooks: TestHooks = { prompts: [], messages: [] };

function labelOf(x: unknown): string | undefined {
  if (typeof x === 'string') return x;
  if (x && typeof x === 'object' && typeof (x as vscode.QuickPickItem).label === 'string') return (x as vscode.QuickPickItem).label;
  return undefined;
}

function matchItem<T extends vscode.QuickPickItem>(items: readonly T[], answer: unknown): T | undefined {
  if (answer === undefined || answer === null) return undefined;
  const hit = items.find((i) => i === answer) ?? items.find((i) => i.label === labelOf(answer));
  if (!hit) throw new Error(`test answer ${JSON.stringify(labelOf(answer))} is not one of the items`);
  return hit;
}

/** A modal warning with one action button. Resolves true only when the user pressed `action`. */
export async function confirm(id: string, message: string, detail: string, action: string): Promise<boolean> {
  const request: PromptRequest = { id, kind: 'confirm', message, detail, action };
  testHooks.prompts.push(request);
  if (testHooks.answer) return (await testHooks.answer(request)) === true;
  const choice = await vscode.window.showWarningMessage(message, { modal: true, detail }, action);
  return choice === action;
}

export interface InputOptions {
  title?: string;
  prompt: string;
  placeHolder?: string;
  value?: string;
  password?: boolean;
  step?: number;
  totalSteps?: number;
  validate?: (value: string) => string | undefined;
  ignoreFocusOut?: boolean;
}

/** An input box (validated as you type). Undefined when dismissed. */
export async function input(id: string, options: InputOptions): Promise<string | undefined> {
  const request: PromptRequest = { id, kind: 'input', title: options.title, message: options.prompt, value: options.value, validate: options.validate };
  testHooks.prompts.push(request);
  if (testHooks.answer) {
    const answer = await testHooks.answer(request);
    if (answer === undefined || answer === null) return undefined;
    const value = String(answer);
    const problem = options.validate?.(value);
    if (problem) throw new Error(`invalid answer for ${id}: ${problem}`);
    return value;
  }
  const title = options.title && options.step ? `${options.title} (${options.step}/${options.totalSteps ?? options.step})` : options.title;
  return vscode.window.showInputBox({
    title,
    prompt: options.prompt,
    placeHolder: options.placeHolder,
    value: options.value,
    password: options.password,
    ignoreFocusOut: options.ignoreFocusOut ?? true,
    validateInput: options.validate ? (v) => options.validate!(v) ?? null : undefined,
  });
}

export interface PickOptions {
  title?: string;
  placeHolder: string;
  matchOnDescription?: boolean;
  matchOnDetail?: boolean;
}

export async function pick<T extends vscode.QuickPickItem>(id: string, items: readonly T[], options: PickOptions): Promise<T | undefined> {
  const request: PromptRequest = { id, kind: 'pick', title: options.title, message: options.placeHolder, items };
  testHooks.prompts.push(request);
  if (testHooks.answer) return matchItem(items, await testHooks.answer(request));
  return vscode.window.showQuickPick(items, {
    title: options.title,
    placeHolder: options.placeHolder,
    matchOnDescription: options.matchOnDescription,
    matchOnDetail: options.matchOnDetail,
    ignoreFocusOut: true,
  });
}

/** A multi-select pick; items with `picked: true` start checked. */
export async function pickMany<T extends vscode.QuickPickItem>(id: string, items: readonly T[], options: PickOptions): Promise<T[] | undefined> {
  const request: PromptRequest = { id, kind: 'pickMany', title: options.title, message: options.placeHolder, items };
  testHooks.prompts.push(request);
  if (testHooks.answer) {
    const answer = await testHooks.answer(request);
    if (answer === undefined || answer === null) return undefined;
    if (!Array.isArray(answer)) throw new Error(`test answer for ${id} must be a list`);
    return answer.map((a) => matchItem(items, a)!);
  }
  return vscode.window.showQuickPick(items, {
    title: options.title,
    placeHolder: options.placeHolder,
    canPickMany: true,
    matchOnDescription: options.matchOnDescription,
    matchOnDetail: options.matchOnDetail,
    ignoreFocusOut: true,
  });
}

// ---------------------------------------------------------------- multi-step input (the steps of multistep.ts)

function placeOf(o: { step: number; totalSteps: number; canGoBack: boolean }): Pick<PromptRequest, 'step' | 'totalSteps' | 'canGoBack'> {
  return { step: o.step, totalSteps: o.totalSteps, canGoBack: o.canGoBack };
}

/** A test's answer to a step: BACK only where the step has a Back button. */
async function stepAnswer(request: PromptRequest): Promise<unknown> {
  const answer = await testHooks.answer!(request);
  if (answer === BACK && !request.canGoBack) throw new Error(`test answered BACK to ${request.id}, which has no Back button (it is the first step)`);
  return answer;
}

/** One step's input box. Undefined when dismissed, BACK when Back was pressed. */
export async function stepInput(id: string, o: StepInputOptions, session: StepSession): Promise<string | Back | undefined> {
  const request: PromptRequest = { id, kind: 'input', title: o.title, message: o.prompt, value: o.value, validate: o.validate, describe: o.describe, notice: o.notice, ...placeOf(o) };
  testHooks.prompts.push(request);
  if (!testHooks.answer) return showStepInput(session, o);
  const answer = await stepAnswer(request);
  if (answer === BACK || answer === undefined || answer === null) return answer ?? undefined;
  const value = String(answer);
  const problem = o.validate?.(value);
  if (problem) throw new Error(`invalid answer for ${id}: ${problem}`);
  return value;
}

/** One step's quick pick. */
export async function stepPick<T extends vscode.QuickPickItem>(id: string, items: readonly T[], o: StepPickOptions<T>, session: StepSession): Promise<T | Back | undefined> {
  const request: PromptRequest = { id, kind: 'pick', title: o.title, message: o.placeHolder, items, active: o.active, notice: o.notice, ...placeOf(o) };
  testHooks.prompts.push(request);
  if (!testHooks.answer) return showStepPick(session, items, o);
  const answer = await stepAnswer(request);
  return answer === BACK ? BACK : matchItem(items, answer);
}

/** One step's multi-select quick pick. */
export async function stepPickMany<T extends vscode.QuickPickItem>(id: string, items: readonly T[], o: StepPickManyOptions<T>, session: StepSession): Promise<T[] | Back | undefined> {
  const selected = o.selected ?? items.filter((i) => i.picked);
  const request: PromptRequest = { id, kind: 'pickMany', title: o.title, message: o.placeHolder, items: items.map((i) => ({ ...i, picked: selected.includes(i) })), ...placeOf(o) };
  testHooks.prompts.push(request);
  if (!testHooks.answer) return showStepPickMany(session, items, o);
  const answer = await stepAnswer(request);
  if (answer === BACK || answer === undefined || answer === null) return answer ?? undefined;
  if (!Array.isArray(answer)) throw new Error(`test answer for ${id} must be a list`);
  return answer.map((a) => matchItem(items, a)!);
}

/**
 * A modal with several ways on (`actions`, the first is the default) and a close button `closeLabel` (Escape).
 * Resolves with the action pressed, undefined for the close button.
 */
export async function choose(id: string, message: string, detail: string, actions: string[], closeLabel: string, severity: 'warning' | 'error' = 'warning'): Promise<string | undefined> {
  const request: PromptRequest = { id, kind: 'choose', message, detail, actions, closeLabel };
  testHooks.prompts.push(request);
  if (testHooks.answer) {
    const answer = await testHooks.answer(request);
    if (answer === undefined || answer === null || answer === closeLabel) return undefined;
    if (!actions.includes(String(answer))) throw new Error(`test answer ${JSON.stringify(answer)} is not a button of ${id} (${actions.join(', ')})`);
    return String(answer);
  }
  const show = severity === 'error' ? vscode.window.showErrorMessage : vscode.window.showWarningMessage;
  const buttons: vscode.MessageItem[] = [...actions.map((title) => ({ title })), { title: closeLabel, isCloseAffordance: true }];
  const chosen = await show(message, { modal: true, detail }, ...buttons);
  return chosen && !chosen.isCloseAffordance ? chosen.title : undefined;
}

/** VS Code's open dialog for one file. Resolves with its path, undefined for Cancel. */
export async function openFile(id: string, o: { title: string; openLabel: string; filters?: Record<string, string[]> }): Promise<string | undefined> {
  const request: PromptRequest = { id, kind: 'openFile', title: o.title, message: o.openLabel };
  testHooks.prompts.push(request);
  if (testHooks.answer) {
    const answer = await testHooks.answer(request);
    return answer === undefined || answer === null ? undefined : String(answer);
  }
  const uris = await vscode.window.showOpenDialog({ title: o.title, openLabel: o.openLabel, canSelectFiles: true, canSelectFolders: false, canSelectMany: false, filters: o.filters });
  return uris?.[0]?.fsPath;
}

/** An input box validator from one of the engine's checks (which throw): undefined when valid, else the sentence. */
export function validatorFrom(check: (value: string) => unknown): (value: string) => string | undefined {
  return (value) => {
    try {
      check(value);
      return undefined;
    } catch (e) {
      return errorSentence(e);
    }
  };
}

/**
 * A notification. Commands do not wait for its buttons (a toast can stay open for a long time): `onButton`
 * runs when one is pressed.
 */
/** A notification as `notify` shows it; in the extension-host tests, it can be pressed. */
export type PressableMessage = ShownMessage & { press?(button: string): Promise<unknown> };

/**
 * A notification with `buttons`; pressing one runs `onButton`. In the extension-host tests no toast is shown: the
 * recorded message gets `press(button)` instead, which runs what pressing that button runs and resolves when it is
 * done (production never sets it: the toast's button does that).
 */
export function notify(severity: ShownMessage['severity'], text: string, buttons: string[] = [], onButton?: (button: string) => unknown): void {
  const message = capitalise(text);
  const shown: ShownMessage = { severity, message, buttons };
  testHooks.messages.push(shown);
  if (testHooks.answer) {
    // tests read testHooks.messages (and press their buttons); a toast would only pile up in the test window
    const press = async (button: string): Promise<unknown> => {
      if (!buttons.includes(button)) throw new Error(`"${button}" is not a button of the notification "${message}" (${buttons.join(', ') || 'none'})`);
      return onButton?.(button);
    };
    Object.defineProperty(shown, 'press', { value: press, enumerable: false });
    return;
  }
  const show =
    severity === 'error' ? vscode.window.showErrorMessage : severity === 'warning' ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
  void Promise.resolve(show(message, ...buttons)).then((b) => {
    if (b !== undefined && onButton) return onButton(b);
  });
}
