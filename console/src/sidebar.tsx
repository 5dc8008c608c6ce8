/**
 * @module console/sidebar
 * The left-hand list: the overview, the SQL editor, then every catalog object under its kind's
 * heading, each with one link per page its kind has (object-kinds.ts).
 */
import type { CatalogObject } from './api.ts';
import { kindOf, objectKinds, pageLabels } from './object-kinds.ts';
import { hrefOf, type Route } from './router.ts';

export function Sidebar({ objects, route }: { objects: readonly CatalogObject[]; route: Route }) {
  const kinds = [...objectKinds.map((k) => k.kind)];
  for (const o of objects) if (!kinds.includes(o.kind)) kinds.push(o.kind);
  const current = (r: Route) => (hrefOf(r) === hrefOf(route) ? 'page' : undefined);
  return (
    <nav class="sidebar" aria-label="Catalog">
      <a class="skip" href="#main">
        Skip to content
      </a>
      <h1 class="brand">Eddy</h1>
      <ul>
        <li>
          <a href="#/" aria-current={current({ page: 'overview' })}>
            Overview
          </a>
        </li>
        <li>
          <a href="#/sql" aria-current={current({ page: 'sql' })}>
            SQL editor
          </a>
        </li>
      </ul>
      {kinds.map((kind) => {
        const entry = kindOf(kind);
        const ofKind = objects.filter((o) => o.kind === kind);
        if (ofKind.length === 0) return null;
        return (
          <section key={kind} aria-label={entry.heading}>
            <h2>{entry.heading}</h2>
            <ul>
              {ofKind.map((o) => (
                <li key={o.name} class="object">
                  <a href={hrefOf({ page: entry.pages[0]!, name: o.name })} class="object-name">
                    {o.name}
                    {o.hydration && <span class="badge"> hydrating</span>}
                    {o.error && <span class="badge bad"> {o.error.code}</span>}
                  </a>
                  <span class="pages">
                    {entry.pages.map((page) => (
                      <a
                        key={page}
                        href={hrefOf({ page, name: o.name })}
                        aria-current={current({ page, name: o.name })}
                        aria-label={`${pageLabels[page]} of ${o.name}`}
                      >
                        {pageLabels[page]}
                      </a>
                    ))}
                  </span>
                </li>
              ))}
            </ul>
          </section>
        );
      })}
    </nav>
  );
}
