/** The shape of `contributes.walkthroughs` in package.json, as the unit, host and UI tests read it. */
export interface WalkthroughStep {
  id: string;
  title: string;
  description: string;
  media: { markdown?: string; svg?: string; image?: string; altText?: string };
  completionEvents?: string[];
  when?: string;
}

export interface Walkthrough {
  id: string;
  title: string;
  description: string;
  steps: WalkthroughStep[];
}
