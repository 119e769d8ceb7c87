/**
 * The validator of an architecture that comes from outside (a page's message, a command's arguments, a
 * record read back): each layer is checked field by field against its kind's fields and types and copied with
 * only those fields, then the stack is checked by architecture.ts's `validate` (its kinds, ranges, shapes and
 * parameter cap), so that whatever passes is a model every engine and code generator can build. The one
 * validator of an architecture: page messages, run records and the model-file reload all use it.
 */
import { MAX_LAYERS, validate } from '../architecture';
import type { Architecture, Layer } from '../model';
import { Invalid, isObj, need, type Obj } from './validate';

const FIELDS: Readonly<Record<Layer['kind'], readonly string[]>> = {
  conv2d: ['kind', 'filters', 'kernelSize', 'padding', 'activation'],
  maxPooling2d: ['kind', 'poolSize'],
  dropout: ['kind', 'rate'],
  flatten: ['kind'],
  dense: ['kind', 'units', 'activation'],
};

function readLayer(v: unknown, i: number): Layer {
  const at = `architecture.layers[${i}]`;
  need(isObj(v), `${at} must be an object`);
  need(typeof v.kind === 'string' && Object.hasOwn(FIELDS, v.kind), `${at}.kind is unknown`);
  const fields = FIELDS[v.kind as Layer['kind']];
  const extra = Object.keys(v).filter((k) => !fields.includes(k));
  need(extra.length === 0, `${at} has unknown fields: ${extra.join(', ').slice(0, 100)}`);
  const out: Obj = {};
  for (const f of fields) {
    const value = v[f];
    const type = f === 'padding' || f === 'activation' || f === 'kind' ? 'string' : 'number';
    need(typeof value === type, `${at}.${f} must be a ${type}`);
    need(type !== 'number' || Number.isFinite(value), `${at}.${f} must be a finite number`);
    out[f] = value;
  }
  return out as unknown as Layer;
}

/** A checked copy of `v`, or Invalid saying the first thing wrong (a problem names its layer and key). */
export function readArchitecture(v: unknown): Architecture {
  need(isObj(v), 'architecture must be an object');
  need(
    Object.keys(v).every((k) => k === 'layers'),
    'architecture must be { layers }',
  );
  need(
    Array.isArray(v.layers) && v.layers.length >= 1 && v.layers.length <= MAX_LAYERS,
    `architecture.layers must list 1–${MAX_LAYERS} layers`,
  );
  const architecture: Architecture = { layers: v.layers.map(readLayer) };
  const problems = validate(architecture);
  if (problems.length > 0) {
    const p = problems[0];
    throw new Invalid(
      `architecture.layers[${p.layer}]: ${p.key}${Object.keys(p.args).length ? ` ${JSON.stringify(p.args)}` : ''}`,
    );
  }
  return architecture;
}

/** The same check as a message, or undefined when `v` is a valid architecture. */
export function architectureError(v: unknown): string | undefined {
  try {
    readArchitecture(v);
    return undefined;
  } catch (e) {
    if (e instanceof Invalid) return e.message;
    throw e;
  }
}
