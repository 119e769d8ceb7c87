// The context keys every capability sets, named here because `Services` carries their setter: `common` is the
// lowest folder and imports no capability. The walkthrough implements the setter (walkthrough/contextKeys.ts).

/** Context keys that walkthrough steps complete on (`onContext:`) and that `when` clauses read. */
export type ContextKey =
  | 'aiOnramp.pythonFound'
  | 'aiOnramp.pipFound'
  | 'aiOnramp.venvReady'
  | 'aiOnramp.packagesInstalled'
  | 'aiOnramp.trainedOnce'
  | 'aiOnramp.comparedRuns'
  | 'aiOnramp.lookedInside'
  | 'aiOnramp.projectCreated'
  | 'aiOnramp.tensorBoardOpened'
  | 'aiOnramp.trainingPanelAvailable'
  | 'aiOnramp.tensorBoardAvailable'
  | 'aiOnramp.firstScriptRan';

/** Sets a context key and remembers the last value set (VS Code has no API to read one back). */
export interface ContextKeySetter {
  set(key: ContextKey, value: boolean): Promise<void>;
  get(key: ContextKey): boolean | undefined;
}
