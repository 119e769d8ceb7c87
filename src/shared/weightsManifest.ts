/**
 * How many bytes a TensorFlow.js weights manifest's entries take: one reckoning for the host, which measures
 * each weights file against it before it reads a byte (src/extension/training/modelFileChecks.ts), and for
 * the page, which checks the files it was given before tfjs reads them (src/webview/playground/export.ts).
 * Messages are English templates with `{0}` placeholders: the host translates them with `vscode.l10n.t`.
 */
import { format } from './l10n/format';

export class ModelFileError extends Error {
  readonly args: readonly (string | number)[];
  constructor(
    /** The English message with `{0}`-style placeholders, as `vscode.l10n.t` takes it. */
    readonly template: string,
    ...args: (string | number)[]
  ) {
    super(format(template, ...args));
    this.name = 'ModelFileError';
    this.args = args;
  }
}

/** Bytes per value of each tfjs dtype a weights file can hold (strings have no fixed size). */
const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8 };
/** Bytes per value of tfjs's quantized weights (`quantization.dtype`). */
const QUANTIZED_BYTES: Record<string, number> = { uint8: 1, uint16: 2, float16: 2 };

/** The bytes a weights-manifest entry takes (tfjs's layout: the values of its shape, densely packed). */
export function weightSpecBytes(spec: unknown): number {
  const { name, shape, dtype, quantization } = (spec ?? {}) as Record<string, unknown>;
  const label = typeof name === 'string' ? name.slice(0, 100) : '?';
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) {
    throw new ModelFileError('its weight {0} has no valid shape', label);
  }
  const quantized = (quantization as { dtype?: unknown } | undefined)?.dtype;
  const perValue =
    quantization !== undefined ? QUANTIZED_BYTES[String(quantized)] : DTYPE_BYTES[String(dtype)];
  if (perValue === undefined) {
    throw new ModelFileError(
      'its weight {0} has a dtype this model cannot have ({1})',
      label,
      String(quantized ?? dtype),
    );
  }
  // Multiplied as floats: a crafted shape overflows nothing, it only exceeds the caller's limit.
  return (shape as number[]).reduce((a, d) => a * d, perValue);
}

/** The bytes a list of weights-manifest entries takes, concatenated as tfjs reads them. */
export function declaredWeightBytes(specs: readonly unknown[]): number {
  return specs.reduce((sum: number, spec) => sum + weightSpecBytes(spec), 0);
}
