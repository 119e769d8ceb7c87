// Which walkthrough (and step) a "show welcome" request means. Kept free of `vscode` so it is unit-tested.

export const EXTENSION_ID = 'ai-onramp.ai-onramp';
export const WALKTHROUGH_IDS = ['setupPython', 'openSourceAI', 'firstModel'] as const;
export type WalkthroughId = (typeof WALKTHROUGH_IDS)[number];
export const DEFAULT_WALKTHROUGH: WalkthroughId = 'setupPython';

export interface WalkthroughTarget {
  readonly walkthrough: WalkthroughId;
  readonly step?: string;
}

const STEP_ID = /^[A-Za-z][A-Za-z0-9]*$/;

function isWalkthroughId(value: string): value is WalkthroughId {
  return (WALKTHROUGH_IDS as readonly string[]).includes(value);
}

/**
 * Reads the argument of `aiOnramp.showWelcome`: nothing (the first walkthrough), a walkthrough id
 * (`firstModel`), `walkthrough#step` (`firstModel#pythonProject`), or a bare step id of the first
 * walkthrough (`pip`). Anything else is refused with a reason, never guessed at.
 */
export function parseWalkthroughTarget(
  ref: unknown,
): { ok: true; target: WalkthroughTarget } | { ok: false; reason: string } {
  if (ref === undefined || ref === null || ref === '')
    return { ok: true, target: { walkthrough: DEFAULT_WALKTHROUGH } };
  if (typeof ref !== 'string') return { ok: false, reason: `expected a string, got ${typeof ref}` };
  const [first, step, ...rest] = ref.split('#');
  if (rest.length > 0) return { ok: false, reason: `"${ref}" has more than one "#"` };
  if (step !== undefined) {
    if (!isWalkthroughId(first)) return { ok: false, reason: `"${first}" is not a walkthrough` };
    if (!STEP_ID.test(step)) return { ok: false, reason: `"${step}" is not a step id` };
    return { ok: true, target: { walkthrough: first, step } };
  }
  if (isWalkthroughId(first)) return { ok: true, target: { walkthrough: first } };
  if (!STEP_ID.test(first)) return { ok: false, reason: `"${first}" is not a step id` };
  return { ok: true, target: { walkthrough: DEFAULT_WALKTHROUGH, step: first } };
}

/** The arguments of `workbench.action.openWalkthrough` for a target. */
export function openWalkthroughArgument(
  target: WalkthroughTarget,
): string | { category: string; step: string } {
  const category = `${EXTENSION_ID}#${target.walkthrough}`;
  return target.step ? { category, step: `${category}#${target.step}` } : category;
}
