/**
 * @module console/router
 * Pages are addressed by the URL's hash (`#/sql`, `#/object/orders/live`), so the server serves
 * one page at `/` and a reload or a shared link opens the same view.
 */
import { useEffect, useState } from 'preact/hooks';
import type { ObjectPage } from './object-kinds.ts';

export type Route =
  | { readonly page: 'overview' }
  | { readonly page: 'sql' }
  | { readonly page: ObjectPage; readonly name: string };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  if (parts[0] === 'sql') return { page: 'sql' };
  if (parts[0] === 'object' && parts[1]) {
    const page = parts[2] === 'live' || parts[2] === 'dataflow' ? parts[2] : 'detail';
    return { page, name: parts[1] };
  }
  return { page: 'overview' };
}

export function hrefOf(route: Route): string {
  if (route.page === 'overview') return '#/';
  if (route.page === 'sql') return '#/sql';
  return `#/object/${encodeURIComponent(route.name)}/${route.page}`;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
