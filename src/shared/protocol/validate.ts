/**
 * What the protocols' validators are made of: small type tests, `need` (throw `Invalid` saying what is
 * wrong), `pick` (copy only the known fields), and the readers of a hyperparameter set, which check it
 * against the one schema (src/shared/hyperparameters.ts).
 */
import { HYPERPARAMETER_KEYS, hyperparameterError, type Hyperparameters } from '../hyperparameters';

export type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
export const isFiniteNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
export const isInt = (v: unknown, min: number, max: number): v is number =>
  Number.isInteger(v) && (v as number) >= min && (v as number) <= max;
/** One of a fixed list of names (an enum field). */
export const isOneOf = <T extends string>(v: unknown, names: readonly T[]): v is T =>
  typeof v === 'string' && (names as readonly string[]).includes(v);
/** Curves carry NaN/Infinity as null after JSON; metrics may be any number. */
export const isNumOrNull = (v: unknown) => typeof v === 'number' || v === null;

export const MAX_STRING = 10_000;
export const isOptionalText = (v: unknown) =>
  v === undefined || (typeof v === 'string' && v.length <= MAX_STRING);
export const isText = (v: unknown): v is string => typeof v === 'string' && v.length <= MAX_STRING;

/** A malformed message or record; its message says what is wrong. Other errors are bugs and propagate. */
export class Invalid extends Error {}
export function need(cond: unknown, what: string): asserts cond {
  if (!cond) throw new Invalid(what);
}

/** Copies only the fields that are present (all of them for a whole set). */
export function pick<K extends string>(v: Obj, keys: readonly K[]): Partial<Record<K, unknown>> {
  const out: Partial<Record<K, unknown>> = {};
  for (const k of keys) if (v[k] !== undefined) out[k] = v[k];
  return out;
}

/** Throws (Invalid, saying which field and what it may be) unless `v` fits the hyperparameter schema. */
export function checkHyperparameters(v: unknown, partial = false): void {
  const error = hyperparameterError(v, partial);
  if (error !== undefined) throw new Invalid(error);
}

export function readHyperparameters(v: unknown): Hyperparameters {
  checkHyperparameters(v);
  return pick(v as Obj, HYPERPARAMETER_KEYS) as unknown as Hyperparameters;
}

export function readPartialHyperparameters(v: unknown): Partial<Hyperparameters> {
  checkHyperparameters(v, true);
  return pick(v as Obj, HYPERPARAMETER_KEYS) as Partial<Hyperparameters>;
}
