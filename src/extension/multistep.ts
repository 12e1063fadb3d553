// A wizard as VS Code's multi-step input pattern has it: steps in order, each asked only when the answers so far
// call for it; "n/N" counts the steps of the path those answers take (an answer that adds steps raises N, the
// counter never skips a number); Back returns to the previous step of that path with its answer pre-filled (the
// answers live in one state object the steps read their defaults from).
// A step's `when` may only look at the answers of steps before it, so Back always finds the step it came from.
import { BACK, type Back, type StepPlace, type StepSession } from './ui';

export type StepOutcome = 'next' | 'back' | 'cancel';

/** Where a step is asked, and what it may show. */
export interface StepAt<S> extends StepPlace {
  session: StepSession;
  /** Why this step is asked again (a wizard resumed after a failure), shown until the user types. */
  notice?: string;
  /** The steps in all if `patch` were applied to the answers: for a pick whose answer adds steps. */
  totalWith(patch: Partial<S>): number;
}

export interface WizardStep<S> {
  /** Names the step to resume at (e.g. 'password' after the registry refused it). */
  name: string;
  /** Asked only when this holds for the answers of the steps before it (default: always). */
  when?: (state: S) => boolean;
  /** Asks, stores the answer in `state`, and says where to go. */
  ask(state: S, at: StepAt<S>): Promise<StepOutcome>;
}

/** A prompt's answer as a step's outcome: undefined cancels, BACK goes back, anything else is stored. */
export function outcomeOf<T>(answer: T | Back | undefined, store: (value: T) => void): StepOutcome {
  if (answer === undefined) return 'cancel';
  if (answer === BACK) return 'back';
  store(answer);
  return 'next';
}

function pathOf<S>(steps: readonly WizardStep<S>[], state: S): WizardStep<S>[] {
  return steps.filter((s) => !s.when || s.when(state));
}

/** The name of the last step the answers lead to (where a wizard resumes after a dialog's Back). */
export function lastStepName<S>(steps: readonly WizardStep<S>[], state: S): string | undefined {
  return pathOf(steps, state).at(-1)?.name;
}

/**
 * Runs the steps from the first (or from `resume.at`, the steps before it counting as answered, so Back leads
 * to them). Resolves true when the last step was answered, false when the user cancelled.
 */
export async function runWizard<S>(steps: readonly WizardStep<S>[], state: S, session: StepSession, resume?: { at?: string; notice?: string }): Promise<boolean> {
  let index = resume?.at ? Math.max(0, pathOf(steps, state).findIndex((s) => s.name === resume.at)) : 0;
  let notice = resume?.notice;
  for (;;) {
    const path = pathOf(steps, state);
    if (index >= path.length) return true;
    const step = path[index];
    const outcome = await step.ask(state, {
      step: index + 1,
      totalSteps: path.length,
      canGoBack: index > 0,
      session,
      notice,
      totalWith: (patch) => pathOf(steps, { ...state, ...patch }).length,
    });
    notice = undefined;
    if (outcome === 'cancel') return false;
    // The answer may add or remove later steps; the ones before this step stay as they were.
    index = outcome === 'back' ? index - 1 : pathOf(steps, state).indexOf(step) + 1;
  }
}
