/**
 * @module console/login
 * The login form shown when the server has users: the name and password go to
 * `POST /console/login`, which answers with an HttpOnly session cookie.
 */
import { useState } from 'preact/hooks';
import { ApiError, api, type SessionInfo } from './api.ts';

export function Login({ onLogin }: { onLogin: (session: SessionInfo) => void }) {
  const [user, setUser] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      onLogin(await api.login(user, password));
    } catch (err) {
      setError(err instanceof ApiError ? `${err.fields.code}: ${err.message}` : String(err));
    }
  };
  return (
    <main class="login">
      <form onSubmit={submit} aria-labelledby="login-title">
        <h1 id="login-title">Eddy console</h1>
        <label>
          User
          <input
            name="user"
            autocomplete="username"
            value={user}
            onInput={(e) => setUser(e.currentTarget.value)}
          />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autocomplete="current-password"
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </label>
        <button type="submit">Log in</button>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
      </form>
    </main>
  );
}
