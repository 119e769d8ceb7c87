/**
 * "Your examples" (the learner's own handwriting) between the training page and the host. The host keeps the
 * examples in a file in the extension's global storage (src/extension/examples/) and is the one that decides:
 * after every change it sends the whole list back (`examples`), and the page shows what it was sent.
 *
 * Page → host: addExample, deleteExamples (by id), deleteAllExamples (the host asks the learner first),
 * exportExamples (an IDX pair into a folder the learner picks).
 * Host → page: examples (the stored list, on ready and after each change), examplesExported (the answer).
 * training.ts's parsers hand these types to the readers here; each returns a copy with only the known fields.
 */
import { CLASSES, IMAGE_PIXELS } from '../model';
import { isFiniteNum, isInt, isObj, isOptionalText, need, pick, type Obj } from './validate';

/** One drawing, as the model sees it: 28 × 28 bytes (0–255) after the pad's preprocessing, and its label. */
export interface LearnerExample {
  /** Made by the page when the example is added: letters, digits, `-` and `_`. */
  id: string;
  /** The digit the learner says it is, 0–9 (any digit: it need not look like one). */
  label: number;
  /** Base64 of the 784 bytes, row-major. */
  pixels: string;
  /** When it was added (ms since 1970). */
  addedAt: number;
}

/** The most the host keeps: 2,000 examples are 2 MB of JSON, 200 a digit. */
export const MAX_EXAMPLES = 2000;
/** Base64 of exactly IMAGE_PIXELS bytes: 784 = 3·261 + 1, so 262 groups of 4, the last ending in two `=`. */
const PADDING = (3 - (IMAGE_PIXELS % 3)) % 3;
const PIXELS_BASE64 = new RegExp(
  `^[A-Za-z0-9+/]{${Math.ceil(IMAGE_PIXELS / 3) * 4 - PADDING}}={${PADDING}}$`,
);
const EXAMPLE_ID = /^[\w-]{1,64}$/;

export const isExampleId = (v: unknown): v is string => typeof v === 'string' && EXAMPLE_ID.test(v);

export type ExamplesWebviewMessage =
  | { type: 'addExample'; example: LearnerExample }
  | { type: 'deleteExamples'; ids: string[] }
  | { type: 'deleteAllExamples' }
  | { type: 'exportExamples'; requestId: string };

export type ExamplesHostMessage =
  | { type: 'examples'; examples: LearnerExample[] }
  | {
      type: 'examplesExported';
      requestId: string;
      outcome: 'saved' | 'cancelled' | 'failed';
      /** Where the pair went, as the learner would write it. */
      folder?: string;
      /** The two file names written. */
      files?: string[];
      error?: string;
    };

/** One example, checked and copied (also what the host reads back from its file). */
export function readLearnerExample(v: unknown): LearnerExample {
  need(isObj(v), 'an example must be an object');
  need(isExampleId(v.id), 'example.id must be 1–64 letters, digits, - or _');
  need(isInt(v.label, 0, CLASSES - 1), `example.label must be an integer 0–${CLASSES - 1}`);
  need(
    typeof v.pixels === 'string' && PIXELS_BASE64.test(v.pixels),
    `example.pixels must be base64 of ${IMAGE_PIXELS} bytes`,
  );
  need(isFiniteNum(v.addedAt) && v.addedAt >= 0, 'example.addedAt must be a time');
  return { id: v.id, label: v.label, pixels: v.pixels, addedAt: v.addedAt };
}

/** A list of examples with no id twice, at most MAX_EXAMPLES. */
export function readLearnerExamples(v: unknown, what = 'examples'): LearnerExample[] {
  need(Array.isArray(v) && v.length <= MAX_EXAMPLES, `${what} must be a list of at most ${MAX_EXAMPLES}`);
  const seen = new Set<string>();
  return v.map((e: unknown) => {
    const example = readLearnerExample(e);
    need(!seen.has(example.id), `${what} has ${example.id} twice`);
    seen.add(example.id);
    return example;
  });
}

const isRequestId = (v: unknown): v is string => typeof v === 'string' && /^[\w.-]{1,100}$/.test(v);

/** A page message of this protocol, checked; undefined when `m.type` is not one of its types. */
export function readExamplesWebviewMessage(m: Obj): ExamplesWebviewMessage | undefined {
  switch (m.type) {
    case 'addExample':
      return { type: 'addExample', example: readLearnerExample(m.example) };
    case 'deleteExamples':
      need(
        Array.isArray(m.ids) && m.ids.length >= 1 && m.ids.length <= MAX_EXAMPLES && m.ids.every(isExampleId),
        'deleteExamples.ids must list 1–2000 example ids',
      );
      return { type: 'deleteExamples', ids: [...(m.ids as string[])] };
    case 'deleteAllExamples':
      return { type: 'deleteAllExamples' };
    case 'exportExamples':
      need(isRequestId(m.requestId), 'exportExamples.requestId');
      return { type: 'exportExamples', requestId: m.requestId };
    default:
      return undefined;
  }
}

/** A host message of this protocol, checked; undefined when `m.type` is not one of its types. */
export function readExamplesHostMessage(m: Obj): ExamplesHostMessage | undefined {
  switch (m.type) {
    case 'examples':
      return { type: 'examples', examples: readLearnerExamples(m.examples, 'examples.examples') };
    case 'examplesExported': {
      need(isRequestId(m.requestId), 'examplesExported.requestId');
      need(['saved', 'cancelled', 'failed'].includes(m.outcome as string), 'examplesExported.outcome');
      need(isOptionalText(m.folder) && isOptionalText(m.error), 'examplesExported.folder/error');
      if (m.files !== undefined) {
        need(
          Array.isArray(m.files) &&
            m.files.length <= 2 &&
            m.files.every((f) => isOptionalText(f) && f !== undefined),
          'examplesExported.files',
        );
      }
      return {
        type: 'examplesExported',
        requestId: m.requestId,
        outcome: m.outcome as 'saved' | 'cancelled' | 'failed',
        ...(pick(m, ['folder', 'error']) as { folder?: string; error?: string }),
        ...(m.files !== undefined && { files: [...(m.files as string[])] }),
      };
    }
    default:
      return undefined;
  }
}
