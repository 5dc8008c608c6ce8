/**
 * Prints docs/sql.md's function and operator index from the function catalog:
 *   sh scripts/node.sh scripts/function-index.ts
 */

import { type SqlType, typeName } from '../src/common/types.ts';
import {
  binaryOperators,
  recordSetFunctions,
  scalarFunctions,
  unaryOperators,
} from '../src/functions/index.ts';

const t = (x: { id: string }) => (x.id.startsWith('any') ? x.id : typeName(x as SqlType));
const groups: Record<string, string[]> = {};
const categorize = (name: string): string => {
  if (/^(jsonb|to_jsonb)/.test(name)) return 'jsonb';
  if (/^(array|cardinality|unnest|trim_array|string_to_array|string_to_table)/.test(name)) return 'arrays';
  if (
    /^(date|extract|make_|justify|age|to_timestamp|to_char|timezone|isfinite|now|clock|statement_time|transaction_time|localtime)/.test(
      name,
    )
  )
    return 'date/time';
  if (/^(generate_series|regexp_split_to_table)$/.test(name)) return 'set-returning';
  if (
    /^(abs|ceil|ceiling|floor|round|trunc|sign|sqrt|cbrt|pow|power|exp|ln|log|log10|mod|div|gcd|lcm|pi|degrees|radians|sin|cos|tan|asin|acos|atan|atan2|sinh|cosh|tanh|asinh|acosh|atanh|cot|width_bucket|scale|min_scale|trim_scale|random|setseed|factorial)/.test(
      name,
    )
  )
    return 'math';
  if (
    /^(version|current_|has_|format_type|obj_description|col_description)/.test(name) ||
    name.startsWith('pg_')
  )
    return 'system';
  return 'strings and binary';
};
for (const [name, defs] of Object.entries(scalarFunctions)) {
  const sigs = [
    ...new Set(
      defs.map(
        (d) =>
          `${name}(${[...d.args.map(t), ...(d.variadic ? [`VARIADIC ${t(d.variadic)}`] : [])].join(', ')})`,
      ),
    ),
  ];
  (groups[categorize(name)] ??= []).push(
    ...sigs.map((s) => (defs.some((d) => d.returnsSet) ? `${s} (set-returning)` : s)),
  );
}
for (const [name, defs] of Object.entries(recordSetFunctions))
  (groups.jsonb ??= []).push(
    ...defs.map(
      (d) =>
        `${name}(${d.args.map(t).join(', ')}) → (${d.columns.map((c) => c.name).join(', ')}) (set-returning)`,
    ),
  );
const lines: string[] = [
  '## Function and operator index',
  '',
  "Generated from the function catalog (`src/functions/catalog-*.ts`); signatures use PostgreSQL's type names.",
  '',
];
for (const g of Object.keys(groups).sort()) {
  lines.push(
    `### ${g}`,
    '',
    groups[g]!.sort()
      .map((s) => `\`${s}\``)
      .join(', '),
    '',
  );
}
lines.push(
  '### operators',
  '',
  Object.entries(binaryOperators)
    .map(
      ([op, defs]) =>
        `\`${op}\` (${[...new Set(defs.map((d) => `${t(d.left)} ${op} ${t(d.right)}`))].length} forms)`,
    )
    .join(', ') +
    '; prefix: ' +
    Object.keys(unaryOperators)
      .map((o) => `\`${o}\``)
      .join(', ') +
    '; comparisons `= <> < <= > >=` on every type.',
  '',
);
console.log(lines.join('\n'));
