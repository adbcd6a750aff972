/**
 * @module dashboard/components/sign-in
 * Sign in with a key: an admin or finance operator key (every tenant), or a tenant key (that
 * tenant's own view). The key goes to the server once, in a POST body; what comes back is an
 * HttpOnly cookie the page cannot read. The field is cleared at once.
 */
import { useState } from 'preact/hooks';
import { signIn, type Session } from '../api.js';

export function SignIn({ onSignedIn, notice }: { onSignedIn: (session: Session) => void; notice?: string }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const session = await signIn(key);
      setKey('');
      onSignedIn(session);
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="sign-in">
      <form onSubmit={submit} data-testid="sign-in">
        <h1>Tollgate</h1>
        <p>Costs, budgets and usage. Sign in with your key: a finance or admin key shows every tenant, a tenant key its own.</p>
        {notice && <p class="notice">{notice}</p>}
        <label for="key">API key</label>
        <input id="key" name="key" type="password" autocomplete="off" spellcheck={false} value={key} onInput={(event) => setKey((event.target as HTMLInputElement).value)} required />
        <button type="submit" disabled={busy || key === ''}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        {error && (
          <p class="error" role="alert" data-testid="sign-in-error">
            {error}
          </p>
        )}
      </form>
    </main>
  );
}
