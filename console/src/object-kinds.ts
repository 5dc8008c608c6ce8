/**
 * @module console/object-kinds
 * What the console shows for each kind of catalog object: the heading it is listed under and the
 * pages it has. A new kind (source, sink, dead letters, checkpoint) is one more entry here; a kind
 * the console does not know yet is still listed, under its own name, with its detail page.
 */

export type ObjectPage = 'detail' | 'live' | 'dataflow';

export interface ObjectKind {
  readonly kind: string;
  readonly heading: string;
  readonly pages: readonly ObjectPage[];
}

export const objectKinds: readonly ObjectKind[] = [
  { kind: 'materializedView', heading: 'Materialized views', pages: ['live', 'dataflow', 'detail'] },
  { kind: 'table', heading: 'Tables', pages: ['detail', 'live'] },
  { kind: 'source', heading: 'Sources', pages: ['detail', 'live'] },
  { kind: 'view', heading: 'Views', pages: ['detail'] },
];

export const pageLabels: Readonly<Record<ObjectPage, string>> = {
  detail: 'Detail',
  live: 'Live',
  dataflow: 'Dataflow',
};

/** The entry for a kind; unknown kinds get a detail page under their own name. */
export function kindOf(kind: string): ObjectKind {
  return objectKinds.find((k) => k.kind === kind) ?? { kind, heading: kind, pages: ['detail'] };
}
