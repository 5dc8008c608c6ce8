/**
 * @module console/main
 * The console's shell: the login when the server asks for one, then the left-hand list of every
 * catalog object beside the page the URL's hash names. The catalog is read every two seconds
 * (and right after the SQL editor runs something), so objects appear as they are created.
 */
import { render } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, type CatalogObject, type SessionInfo, setUnauthorizedHandler } from './api.ts';
import { Login } from './login.tsx';
import { DataflowPage } from './pages/dataflow.tsx';
import { LiveView } from './pages/live-view.tsx';
import { ObjectDetail } from './pages/object-detail.tsx';
import { Overview } from './pages/overview.tsx';
import { SqlEditor } from './pages/sql-editor.tsx';
import { useRoute } from './router.ts';
import { Sidebar } from './sidebar.tsx';
import { usePoll } from './use-poll.ts';
import './styles.css';

const catalogIntervalMs = 2000;

function App() {
  const [session, setSession] = useState<SessionInfo | null>(null);
  useEffect(() => {
    setUnauthorizedHandler(() => setSession({ authRequired: true, user: null }));
    api.session().then(setSession, () => setSession({ authRequired: true, user: null }));
  }, []);
  if (session === null) return <p class="loading">Connecting…</p>;
  if (session.authRequired && session.user === null) return <Login onLogin={setSession} />;
  return <Console session={session} onLogout={() => setSession({ authRequired: true, user: null })} />;
}

function Console({ session, onLogout }: { session: SessionInfo; onLogout: () => void }) {
  const route = useRoute();
  const [refresh, setRefresh] = useState(0);
  const { data: catalog, error } = usePoll(api.catalog, catalogIntervalMs, [refresh]);
  const objects = catalog?.objects ?? [];
  const changed = useCallback(() => setRefresh((n) => n + 1), []);
  const logout = async () => {
    await api.logout();
    onLogout();
  };
  return (
    <div class="shell">
      <Sidebar objects={objects} route={route} />
      <main id="main" tabIndex={-1}>
        <header class="topbar">
          <span class="step">{catalog ? `catalog at step ${catalog.step}` : ''}</span>
          {error && <span class="badge bad">catalog: {error.message}</span>}
          {session.user && (
            <span class="user">
              {session.user}{' '}
              <button type="button" onClick={logout}>
                Log out
              </button>
            </span>
          )}
        </header>
        <Page route={route} objects={objects} onChanged={changed} />
      </main>
    </div>
  );
}

function Page({
  route,
  objects,
  onChanged,
}: {
  route: ReturnType<typeof useRoute>;
  objects: readonly CatalogObject[];
  onChanged: () => void;
}) {
  if (route.page === 'overview') return <Overview />;
  if (route.page === 'sql') return <SqlEditor objects={objects} onChanged={onChanged} />;
  const object = objects.find((o) => o.name === route.name);
  if (!object) return <p class="empty">No object named “{route.name}” (yet).</p>;
  if (route.page === 'live') return <LiveView key={object.name} object={object} />;
  if (route.page === 'dataflow') return <DataflowPage key={object.name} object={object} />;
  return <ObjectDetail object={object} objects={objects} />;
}

render(<App />, document.getElementById('app')!);
