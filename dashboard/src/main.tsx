/**
 * @module dashboard/main
 * The finance dashboard: sign in, then the shared filters and five views — overview (cost and
 * usage), budgets, performance, calls, alerts — and, for admins, the audit trail. The session is an HttpOnly cookie set by the
 * server; the page keeps no key and no token, only the filters (in the URL's hash).
 */
import { render } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError, currentSession, getJson, signOut, type Session, type UsageReport } from './api.js';
import { FilterBar } from './components/filter-bar.js';
import { SignIn } from './components/sign-in.js';
import { adminViews, defaultFilters, readHash, reportParams, views, writeHash, type Filters, type View } from './filters.js';
import './styles.css';
import { useData } from './use-data.js';
import { Alerts } from './views/alerts.js';
import { Audit } from './views/audit.js';
import { Budgets } from './views/budgets.js';
import { Calls } from './views/calls.js';
import { Overview } from './views/overview.js';
import { Performance } from './views/performance.js';

const viewLabels: Record<View, string> = { overview: 'Overview', budgets: 'Budgets', performance: 'Performance', calls: 'Calls', alerts: 'Alerts', audit: 'Audit' };

function App() {
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [notice, setNotice] = useState<string | undefined>(undefined);
  useEffect(() => {
    currentSession().then(setSession, () => setSession(null));
  }, []);
  if (session === undefined) return <p class="loading">Loading…</p>;
  if (session === null) return <SignIn onSignedIn={setSession} notice={notice} />;
  return (
    <Dashboard
      session={session}
      onSignedOut={(message) => {
        setNotice(message);
        setSession(null);
      }}
    />
  );
}

function Dashboard({ session, onSignedOut }: { session: Session; onSignedOut: (notice?: string) => void }) {
  const [filters, setFilters] = useState<Filters>(() => readHash(defaultFilters(session.time_zone)));
  const [exact, setExact] = useState(false);
  const change = useCallback((patch: Partial<Filters>) => setFilters((current) => ({ ...current, ...patch })), []);
  useEffect(() => writeHash(filters), [filters]);
  const tenants = useData(() => (session.role === 'tenant' ? Promise.resolve([]) : getJson<{ data: Array<{ id: string }> }>('/admin/tenants').then((list) => list.data.map((tenant) => tenant.id))), []);
  const models = useData(
    () => getJson<UsageReport>('/admin/reports/usage', reportParams({ ...filters, model: '' }, { groupBy: 'model' })).then((report) => report.data.map((row) => String(row.model ?? '')).filter(Boolean)),
    [filters.from, filters.to, filters.tz, filters.tenant, filters.tag],
  );
  const sessionEnded = [tenants.error, models.error].find((error) => error instanceof ApiError && error.status === 401);
  useEffect(() => {
    if (sessionEnded) onSignedOut('Your session has ended; sign in again.');
  }, [sessionEnded, onSignedOut]);
  const leave = async () => {
    await signOut().catch(() => undefined);
    onSignedOut('Signed out.');
  };
  const props = { filters, exact, onChange: change };
  const visibleViews = views.filter((view) => session.role === 'admin' || !adminViews.includes(view));
  const view = visibleViews.includes(filters.view) ? filters.view : 'overview';
  return (
    <div class="layout">
      <header class="top">
        <h1>Tollgate</h1>
        <span class="who" data-testid="who">
          {session.role === 'tenant' ? `tenant ${session.tenant}` : session.role} · {session.key_name}
        </span>
        <label class="exact">
          <input type="checkbox" checked={exact} onChange={(event) => setExact((event.target as HTMLInputElement).checked)} data-testid="exact-amounts" /> exact amounts
        </label>
        <button type="button" onClick={leave} data-testid="sign-out">
          Sign out
        </button>
      </header>
      <nav class="tabs" aria-label="Views">
        {visibleViews.map((name) => (
          <button type="button" key={name} aria-current={view === name ? 'page' : undefined} data-view={name} onClick={() => change({ view: name })}>
            {viewLabels[name]}
          </button>
        ))}
      </nav>
      <FilterBar filters={filters} session={session} tenants={tenants.data ?? []} models={models.data ?? []} onChange={change} />
      <main>
        {view === 'overview' && <Overview {...props} session={session} />}
        {view === 'budgets' && <Budgets {...props} />}
        {view === 'performance' && <Performance filters={filters} exact={exact} />}
        {view === 'calls' && <Calls filters={filters} exact={exact} />}
        {view === 'alerts' && <Alerts {...props} />}
        {view === 'audit' && <Audit filters={filters} />}
      </main>
    </div>
  );
}

render(<App />, document.getElementById('app')!);
