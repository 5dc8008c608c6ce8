/**
 * @module sql/front/struct-type
 * The placeholder type name that stands, in the TypeName libpg-query returns, for a `STRUCT<…>` column
 * type it cannot parse. The placeholder is a quoted identifier no one writes by accident.
 */
import type { TypeName } from 'libpg-query';

const PLACEHOLDER = /^struct#(\d+)$/;

/** The quoted identifier written in place of struct number `index`. */
export function structPlaceholder(index: number): string {
  return `"struct#${index}"`;
}

/** The index into the statement's `structs` of the struct a TypeName stands for, if it stands for one. */
export function structIndexOf(type: TypeName): number | undefined {
  const names = type.names;
  if (names === undefined || names.length !== 1) return undefined;
  const only = names[0];
  const match = 'String' in only ? PLACEHOLDER.exec(only.String.sval ?? '') : null;
  return match === null ? undefined : Number(match[1]);
}
