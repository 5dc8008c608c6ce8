/**
 * @module console/object-tabs
 * The links between an object's pages (its kind's pages, object-kinds.ts), atop each of them.
 */
import type { CatalogObject } from './api.ts';
import { kindOf, type ObjectPage, pageLabels } from './object-kinds.ts';
import { hrefOf } from './router.ts';

export function ObjectTabs({ object, page }: { object: CatalogObject; page: ObjectPage }) {
  return (
    <nav class="tabs" aria-label={`Pages of ${object.name}`}>
      {kindOf(object.kind).pages.map((p) => (
        <a
          key={p}
          href={hrefOf({ page: p, name: object.name })}
          aria-current={p === page ? 'page' : undefined}
        >
          {pageLabels[p]}
        </a>
      ))}
    </nav>
  );
}
