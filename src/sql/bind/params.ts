/**
 * @module sql/bind/params
 * Parameter type inference for prepared statements (Parse / Describe): while a statement is bound
 * without parameter values, each untyped `$n` records the type its context first coerces it to,
 * as PostgreSQL infers it; parameters no context types are text.
 */
import { type SqlType, T } from '../../common/types.ts';

let inferring: (SqlType | undefined)[] | null = null;

/** Runs `bind` collecting inferred parameter types into `types` (index = parameter number − 1). */
export function inferParamTypes<R>(
  types: (SqlType | undefined)[],
  bind: () => R,
): { result: R; types: SqlType[] } {
  const previous = inferring;
  inferring = types;
  try {
    const result = bind();
    return { result, types: Array.from({ length: types.length }, (_, i) => types[i] ?? T.text) };
  } finally {
    inferring = previous;
  }
}

export function recordParamType(index: number, type: SqlType): void {
  if (inferring && inferring[index] === undefined) inferring[index] = type;
}
