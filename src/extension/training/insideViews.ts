import type * as vscode from 'vscode';
import type { ContextKeySetter } from '../common/contextKeys';
import { INSIDE_VIEWS, type InsideView } from '../../shared/protocol/training';

/**
 * Which look-inside views (src/webview/inside: the filters, the activations) the learner has opened, kept in
 * globalState across panels and sessions: the walkthrough step "What did the network learn?" completes on
 * `aiOnramp.lookedInside` once every one of them has been opened, whichever panel or day each was.
 */
export const INSIDE_VIEWS_KEY = 'aiOnramp.training.insideViewsOpened';

type State = Pick<vscode.Memento, 'get' | 'update'>;

function openedViews(state: State): InsideView[] {
  const stored = state.get<unknown>(INSIDE_VIEWS_KEY);
  return Array.isArray(stored) ? INSIDE_VIEWS.filter((v) => stored.includes(v)) : [];
}

/** Sets the step's context key when every view was opened before (at activation: context keys start unset). */
export async function restoreInsideViews(state: State, contextKeys: ContextKeySetter): Promise<void> {
  if (openedViews(state).length === INSIDE_VIEWS.length) await contextKeys.set('aiOnramp.lookedInside', true);
}

/** Notes that the learner opened `view`; ticks the step once every view has been opened. */
export async function markInsideViewOpened(
  state: State,
  contextKeys: ContextKeySetter,
  view: InsideView,
): Promise<readonly InsideView[]> {
  const before = openedViews(state);
  const opened = before.includes(view)
    ? before
    : INSIDE_VIEWS.filter((v) => v === view || before.includes(v));
  if (opened !== before) await state.update(INSIDE_VIEWS_KEY, opened);
  if (opened.length === INSIDE_VIEWS.length) await contextKeys.set('aiOnramp.lookedInside', true);
  return opened;
}
