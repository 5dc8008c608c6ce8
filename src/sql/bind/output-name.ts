/**
 * @module sql/bind/output-name
 * The column name PostgreSQL gives an unaliased select-list expression (FigureColname):
 * a column's own name, a function's name, a cast's inner name or type, else `?column?`.
 */
import type { Node } from 'libpg-query';
import { typeNameText } from './type-name.ts';

export function outputName(node: Node): string {
  return figure(node) ?? '?column?';
}

function figure(node: Node): string | null {
  if ('ColumnRef' in node) {
    const fields = node.ColumnRef.fields ?? [];
    const last = fields[fields.length - 1];
    return last && 'String' in last ? last.String.sval! : null;
  }
  if ('FuncCall' in node) {
    const names = node.FuncCall.funcname ?? [];
    const last = names[names.length - 1];
    return last && 'String' in last ? last.String.sval! : null;
  }
  if ('TypeCast' in node) {
    const inner = figure(node.TypeCast.arg!);
    if (inner) return inner;
    const name = typeNameText(node.TypeCast.typeName!);
    return name;
  }
  if ('CaseExpr' in node)
    return node.CaseExpr.defresult ? (figure(node.CaseExpr.defresult) ?? 'case') : 'case';
  if ('CoalesceExpr' in node) return 'coalesce';
  if ('MinMaxExpr' in node) return node.MinMaxExpr.op === 'IS_GREATEST' ? 'greatest' : 'least';
  if ('NullIfExpr' in node) return 'nullif';
  if ('A_Expr' in node && node.A_Expr.kind === 'AEXPR_NULLIF') return 'nullif';
  if ('SubLink' in node) {
    if (node.SubLink.subLinkType === 'EXISTS_SUBLINK') return 'exists';
    if (node.SubLink.subLinkType === 'ARRAY_SUBLINK') return 'array';
    const sub = node.SubLink.subselect;
    if (node.SubLink.subLinkType === 'EXPR_SUBLINK' && sub && 'SelectStmt' in sub) {
      const first = sub.SelectStmt.targetList?.[0];
      if (first && 'ResTarget' in first) return first.ResTarget.name ?? figure(first.ResTarget.val!);
    }
    return null;
  }
  if ('A_ArrayExpr' in node) return 'array';
  if ('SQLValueFunction' in node)
    return (node.SQLValueFunction.op ?? '')
      .replace(/^SVFOP_/, '')
      .replace(/_N$/, '')
      .toLowerCase();
  return null;
}
