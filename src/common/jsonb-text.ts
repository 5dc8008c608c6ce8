/**
 * @module common/jsonb-text
 * jsonb output, character for character as PostgreSQL prints it: `{"a": 1, "b": [1, 2]}` (a space
 * after `:` and `,`), and `jsonb_pretty`'s layout (4-space indent, empty containers on two lines).
 */
import { numberText } from './jsonb-number.ts';
import { isJsonArray, type JsonArray, JsonObject, type JsonScalar, type JsonValue } from './jsonb-value.ts';

/** A JSON string literal for `s`, escaped as PostgreSQL's escape_json does (`\u001f` in lower case). */
export function quoteJson(s: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 32 && c !== 34 && c !== 92) continue; // escape_json rewrites '"', '\\' and C0 controls
    out += s.slice(from, i) + escapeOf(c);
    from = i + 1;
  }
  return from === 0 ? `"${s}"` : `"${out}${s.slice(from)}"`;
}

function escapeOf(c: number): string {
  switch (c) {
    case 8:
      return '\\b';
    case 12:
      return '\\f';
    case 10:
      return '\\n';
    case 13:
      return '\\r';
    case 9:
      return '\\t';
    case 34:
      return '\\"';
    case 92:
      return '\\\\';
    default:
      return `\\u00${c < 16 ? '0' : ''}${c.toString(16)}`;
  }
}

function scalarText(v: JsonScalar): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return quoteJson(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return numberText(v);
}

/** jsonb_out: the compact text form. */
export function jsonText(v: JsonValue): string {
  if (v instanceof JsonObject) return objectText(v);
  if (isJsonArray(v)) return arrayText(v);
  return scalarText(v);
}

function arrayText(a: JsonArray): string {
  if (a.length === 0) return '[]';
  let out = `[${jsonText(a[0]!)}`;
  for (let i = 1; i < a.length; i++) out += `, ${jsonText(a[i]!)}`;
  return `${out}]`;
}

function objectText(o: JsonObject): string {
  const keys = o.keys;
  if (keys.length === 0) return '{}';
  const values = o.values;
  let out = `{${quoteJson(keys[0]!)}: ${jsonText(values[0]!)}`;
  for (let i = 1; i < keys.length; i++) out += `, ${quoteJson(keys[i]!)}: ${jsonText(values[i]!)}`;
  return `${out}}`;
}

const indents: string[] = [''];

function indent(level: number): string {
  while (indents.length <= level) indents.push(`${indents[indents.length - 1]}    `);
  return indents[level]!;
}

/** jsonb_pretty: one element or pair per line, nested levels indented by four spaces. */
export function jsonPretty(v: JsonValue, level = 0): string {
  if (v instanceof JsonObject) {
    let out = '{';
    for (let i = 0; i < v.keys.length; i++) {
      out += `${i === 0 ? '' : ','}\n${indent(level + 1)}${quoteJson(v.keys[i]!)}: `;
      out += jsonPretty(v.values[i]!, level + 1);
    }
    return `${out}\n${indent(level)}}`;
  }
  if (isJsonArray(v)) {
    let out = '[';
    for (let i = 0; i < v.length; i++)
      out += `${i === 0 ? '' : ','}\n${indent(level + 1)}${jsonPretty(v[i]!, level + 1)}`;
    return `${out}\n${indent(level)}]`;
  }
  return scalarText(v);
}

/**
 * The text `->>`, `#>>` and the `_text` functions return: a string's own characters, SQL NULL for a
 * JSON null, the jsonb text of anything else.
 */
export function valueAsText(v: JsonValue): string | null {
  if (v === null) return null;
  if (typeof v === 'string') return v;
  return jsonText(v);
}
