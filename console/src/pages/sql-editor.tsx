/**
 * @module console/pages/sql-editor
 * The SQL editor: a text area over a mirror of its text that marks the error's position, name
 * completion from the catalog (Tab or Enter takes the chosen one, arrows move, Escape closes),
 * Ctrl/Cmd+Enter runs, every result as a table, errors with their SQLSTATE, and a history kept
 * in the browser.
 */
import { useRef, useState } from 'preact/hooks';
import { ApiError, type ApiErrorFields, api, type CatalogObject, type SqlResult } from '../api.ts';
import { completions, wordAt } from '../completion.ts';
import { ResultTable } from '../result-table.tsx';
import { loadHistory, remember } from '../sql-history.ts';

const identifierChar = /[A-Za-z0-9_$"]/;

export function SqlEditor({
  objects,
  onChanged,
}: {
  objects: readonly CatalogObject[];
  onChanged: () => void;
}) {
  const [text, setText] = useState(() => loadHistory()[0] ?? 'SELECT 1;');
  const [results, setResults] = useState<SqlResult[]>([]);
  const [error, setError] = useState<ApiErrorFields | null>(null);
  const [running, setRunning] = useState(false);
  const [history, setHistory] = useState(loadHistory);
  const [suggestions, setSuggestions] = useState<{ start: number; names: string[]; chosen: number } | null>(
    null,
  );
  const area = useRef<HTMLTextAreaElement>(null);
  const mirror = useRef<HTMLDivElement>(null);

  const run = async () => {
    setRunning(true);
    setSuggestions(null);
    try {
      const answer = await api.sql(text);
      setResults(answer.results);
      setError(null);
    } catch (e) {
      setResults([]);
      setError(e instanceof ApiError ? e.fields : { code: 'XX000', message: String(e) });
    } finally {
      setRunning(false);
      setHistory((h) => remember(h, text));
      onChanged();
    }
  };

  const suggest = (value: string, caret: number) => {
    const at = wordAt(value, caret);
    const names = at ? completions(objects, at.word) : [];
    setSuggestions(at && names.length > 0 ? { start: at.start, names, chosen: 0 } : null);
  };

  const accept = (name: string) => {
    const el = area.current!;
    const start = suggestions!.start;
    const next = text.slice(0, start) + name + text.slice(el.selectionStart);
    setText(next);
    setSuggestions(null);
    requestAnimationFrame(() => {
      el.focus();
      el.selectionStart = el.selectionEnd = start + name.length;
    });
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      void run();
      return;
    }
    if (!suggestions) return;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const n = suggestions.names.length;
      setSuggestions({
        ...suggestions,
        chosen: (suggestions.chosen + (e.key === 'ArrowDown' ? 1 : n - 1)) % n,
      });
    } else if (e.key === 'Tab' || e.key === 'Enter') {
      e.preventDefault();
      accept(suggestions.names[suggestions.chosen]!);
    } else if (e.key === 'Escape') {
      setSuggestions(null);
    }
  };

  const onInput = (e: Event) => {
    const el = e.currentTarget as HTMLTextAreaElement;
    setText(el.value);
    setError(null);
    suggest(el.value, el.selectionStart);
  };

  const syncScroll = () => {
    if (mirror.current && area.current) mirror.current.scrollTop = area.current.scrollTop;
  };

  return (
    <section class="page sql-editor" aria-labelledby="sql-title">
      <h2 id="sql-title">SQL editor</h2>
      <div class="editor">
        <div class="mirror" ref={mirror} aria-hidden="true">
          {error?.position ? <ErrorMark text={text} position={error.position} /> : text}
          {'\n'}
        </div>
        <textarea
          ref={area}
          aria-label="SQL"
          spellcheck={false}
          value={text}
          onInput={onInput}
          onKeyDown={onKeyDown}
          onScroll={syncScroll}
          // Closes at once: a later close could hide a list offered after focus came back. A click on
          // a suggestion keeps the focus here (its mousedown is prevented), so it needs no delay.
          onBlur={() => setSuggestions(null)}
          aria-autocomplete="list"
          aria-describedby="sql-keys"
        />
      </div>
      <ul id="sql-completions" class="completions" aria-label="Completions" hidden={!suggestions}>
        {suggestions?.names.map((name, i) => (
          <li key={name}>
            <button
              type="button"
              tabIndex={-1}
              class={i === suggestions.chosen ? 'chosen' : undefined}
              onMouseDown={(e) => {
                e.preventDefault();
                accept(name);
              }}
            >
              {name}
            </button>
          </li>
        ))}
      </ul>
      <div class="toolbar">
        <button type="button" onClick={run} disabled={running}>
          {running ? 'Running…' : 'Run'}
        </button>
        <span class="hint" id="sql-keys">
          Ctrl+Enter (⌘+Enter) runs; Tab completes names.
        </span>
      </div>
      {error && (
        <div class="error" role="alert">
          <strong class="sqlstate">{error.code}</strong> {error.message}
          {error.position !== undefined && <span class="position"> at character {error.position}</span>}
          {error.detail && <div class="detail">{error.detail}</div>}
          {error.hint && <div class="hint">Hint: {error.hint}</div>}
        </div>
      )}
      {results.map((r, i) => (
        <ResultTable
          key={i}
          columns={r.columns}
          rows={r.rows}
          caption={`${r.command}${r.columns.length > 0 ? ` — ${r.rows.length} rows` : ''}`}
        />
      ))}
      {history.length > 0 && (
        <details class="history">
          <summary>History ({history.length})</summary>
          <ul>
            {history.map((h) => (
              <li key={h}>
                <button type="button" class="link" onClick={() => setText(h)}>
                  {h.length > 120 ? `${h.slice(0, 120)}…` : h}
                </button>
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}

/** The text with the token at a 1-based position marked. */
function ErrorMark({ text, position }: { text: string; position: number }) {
  const start = Math.min(Math.max(0, position - 1), text.length);
  let end = start;
  while (end < text.length && identifierChar.test(text[end]!)) end++;
  if (end === start) end = Math.min(text.length, start + 1);
  return (
    <>
      {text.slice(0, start)}
      <mark class="error-mark">{text.slice(start, end) || ' '}</mark>
      {text.slice(end)}
    </>
  );
}
