/**
 * tfjs's sparse categorical cross-entropy on softmax outputs, and its gradient with respect to the logits: the
 * last step of both kernel sets in TypeScript (./tsKernels.ts for the article's model, ./layerKernels.ts for
 * every other stack), written once. With p the softmax, q = clip(p, ε, 1 − ε), r = q[label] / Σq and
 * loss = −log(clip(r, ε, 1 − ε)); clipped values pass no gradient, as in tfjs.
 */
import { CLASSES, CROSS_ENTROPY_EPSILON } from '../../shared/model';

const EPSILON = Math.fround(CROSS_ENTROPY_EPSILON);
const HIGH = Math.fround(1 - EPSILON);
const clip = (p: number) => (p < EPSILON ? EPSILON : p > HIGH ? HIGH : p);

/**
 * `probs` holds exp(logit − max logit) of each class on entry (their total is `sum`) and the softmax on return.
 * When `grad` is given, dLoss/dlogits · `scale` goes to grad[gradAt …]; `u` is scratch of CLASSES doubles.
 */
export function clippedCrossEntropy(
  probs: Float32Array | Float64Array,
  sum: number,
  label: number,
  scale: number,
  u: Float64Array,
  grad: Float32Array | null,
  gradAt = 0,
): number {
  let qsum = 0;
  for (let j = 0; j < CLASSES; j++) qsum += clip((probs[j] /= sum));
  const ql = clip(probs[label]);
  const r = ql / qsum;
  if (grad) {
    const dr = r >= EPSILON && r <= HIGH ? -1 / r : 0;
    let up = 0;
    for (let j = 0; j < CLASSES; j++) {
      const pj = probs[j];
      const uj = pj >= EPSILON && pj <= HIGH ? dr * ((j === label ? 1 / qsum : 0) - ql / (qsum * qsum)) : 0;
      u[j] = uj;
      up += uj * pj;
    }
    for (let j = 0; j < CLASSES; j++) grad[gradAt + j] = probs[j] * (u[j] - up) * scale;
  }
  return -Math.log(clip(r));
}
