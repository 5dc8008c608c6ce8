/**
 * @module console/pages/object-detail
 * One catalog object: its columns and types, the SQL that made it, what it reads and what reads
 * it (a small graph, each a link), its primary key and indexes, row count, hydration and live
 * error.
 */
import type { CatalogObject } from '../api.ts';
import { kindOf } from '../object-kinds.ts';
import { ObjectTabs } from '../object-tabs.tsx';
import { hrefOf } from '../router.ts';

export function ObjectDetail({
  object,
  objects,
}: {
  object: CatalogObject;
  objects: readonly CatalogObject[];
}) {
  const link = (name: string) => {
    const other = objects.find((o) => o.name === name);
    return other ? hrefOf({ page: kindOf(other.kind).pages[0]!, name }) : undefined;
  };
  return (
    <section class="page detail" aria-labelledby="detail-title">
      <ObjectTabs object={object} page="detail" />
      <h2 id="detail-title">
        {object.name} <span class="kind">{kindOf(object.kind).heading.replace(/s$/, '').toLowerCase()}</span>
      </h2>
      <dl class="figures">
        <div>
          <dt>Rows</dt>
          <dd class="row-count">{object.rows ?? 'computed when read'}</dd>
        </div>
        {object.primaryKey.length > 0 && (
          <div>
            <dt>Primary key</dt>
            <dd>{object.primaryKey.join(', ')}</dd>
          </div>
        )}
        {object.hydration && (
          <div>
            <dt>Hydration</dt>
            <dd>
              {object.hydration.done} of {object.hydration.total} input rows
            </dd>
          </div>
        )}
        {object.error && (
          <div>
            <dt>Rows in error</dt>
            <dd>
              <strong class="sqlstate">{object.error.code}</strong> {object.error.message}
            </dd>
          </div>
        )}
      </dl>
      <h3>Columns</h3>
      <table class="columns">
        <thead>
          <tr>
            <th scope="col">name</th>
            <th scope="col">type</th>
          </tr>
        </thead>
        <tbody>
          {object.columns.map((c) => (
            <tr key={c.name}>
              <td>{c.name}</td>
              <td>{c.type}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>SQL</h3>
      <pre class="sql">{object.sql}</pre>
      <h3>Dependencies</h3>
      <section class="deps" aria-label="Dependencies">
        <ul class="dep-col" aria-label="Reads">
          {object.dependsOn.length === 0 && <li class="empty">reads nothing</li>}
          {object.dependsOn.map((d) => (d === null ? null : <DepLink key={d} name={d} href={link(d)} />))}
        </ul>
        <span class="arrow" aria-hidden="true">
          →
        </span>
        <span class="dep-self">{object.name}</span>
        <span class="arrow" aria-hidden="true">
          →
        </span>
        <ul class="dep-col" aria-label="Read by">
          {object.dependents.length === 0 && <li class="empty">read by nothing</li>}
          {object.dependents.map((d) => (
            <DepLink key={d} name={d} href={link(d)} />
          ))}
        </ul>
      </section>
      <h3>Indexes</h3>
      {object.indexes.length === 0 ? (
        <p class="empty">None.</p>
      ) : (
        <ul>
          {object.indexes.map((i) => (
            <li key={i.name}>
              {i.name} ({i.columns.join(', ')})
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function DepLink({ name, href }: { name: string; href: string | undefined }) {
  return <li>{href ? <a href={href}>{name}</a> : name}</li>;
}
