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
//     pickMany → the chosen items (or labels), or undefined.
//   Every prompt and every message shown is also recorded in `testHooks.prompts` / `testHooks.messages`.
// Production never sets `answer` (nothing outside the tests can reach the API's testHooks through the
// command palette or a menu), so the real modal or input always shows and nothing destructive happens unasked.
import * as vscode from 'vscode';
import { capitalise, errorSentence } from '../engine';

export type PromptKind = 'confirm' | 'input' | 'pick' | 'pickMany';

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
}

export interface ShownMessage {
  severity: 'info' | 'warning' | 'error';
  message: string;
  buttons: string[];
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
export function notify(severity: ShownMessage['severity'], text: string, buttons: string[] = [], onButton?: (button: string) => unknown): void {
  const message = capitalise(text);
  testHooks.messages.push({ severity, message, buttons });
  if (testHooks.answer) return; // tests read testHooks.messages; a toast would only pile up in the test window
  const show =
    severity === 'error' ? vscode.window.showErrorMessage : severity === 'warning' ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
  void Promise.resolve(show(message, ...buttons)).then((b) => {
    if (b !== undefined && onButton) return onButton(b);
  });
}
