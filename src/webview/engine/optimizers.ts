/**
 * The engine's update rules besides Adam (which each kernel set runs itself, in its own layout): SGD and
 * RMSprop exactly as tfjs's `tf.train.sgd(lr)` and `tf.train.rmsprop(lr, rho, 0, epsilon)` (the panel's
 * tfjs backends) update a weight, over the kernels' live parameter and gradient arrays. Every parameter is
 * updated the same way whatever its place, so this works on either layout.
 */
import type { OptimizerName } from '../../shared/protocol/training';
import { RMSPROP } from '../../shared/model';
import type { Kernels } from './kernels';
import type { AdamConfig } from './layout';

export type { OptimizerName };

export interface OptimizerConfig extends AdamConfig {
  optimizer: OptimizerName;
}

/** RMSprop's mean squares (created on first use, zeroed with the optimizer); Adam's moments live in the kernels. */
export class OptimizerState {
  private meanSquares: Float32Array | null = null;

  reset(): void {
    this.meanSquares?.fill(0);
  }

  step(k: Kernels, config: OptimizerConfig): void {
    const lr = config.learningRate;
    if (config.optimizer === 'adam') return k.adamStep(config);
    const params = k.params();
    const grads = k.grads();
    if (config.optimizer === 'sgd') {
      for (let i = 0; i < params.length; i++) params[i] -= lr * grads[i];
      return;
    }
    // tfjs: ms = rho ms + (1 - rho) g^2; p -= lr g / sqrt(ms + eps) (momentum 0, not centred).
    if (!this.meanSquares || this.meanSquares.length !== params.length)
      this.meanSquares = new Float32Array(params.length);
    const ms = this.meanSquares;
    const rho = RMSPROP.rho;
    for (let i = 0; i < params.length; i++) {
      const g = grads[i];
      const s = (ms[i] = ms[i] * rho + g * g * (1 - rho));
      params[i] -= (lr * g) / Math.sqrt(s + RMSPROP.epsilon);
    }
  }
}
