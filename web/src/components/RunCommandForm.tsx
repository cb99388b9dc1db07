import { type FormEvent, useState } from 'react';
import { useNavigate } from 'react-router';
import { api } from '../api';
import { ErrorBanner } from './ErrorBanner';

/**
 * Starts an exec job and opens its page. With `fixedSelector` (a host page) only the command is
 * asked; otherwise selector, forks and timeout too (the jobs page).
 */
export function RunCommandForm({ fixedSelector, selectorSuggestions }: { fixedSelector?: string; selectorSuggestions?: string[] }) {
  const navigate = useNavigate();
  const [selector, setSelector] = useState(fixedSelector ?? '');
  const [command, setCommand] = useState('');
  const [forks, setForks] = useState('');
  const [timeoutSec, setTimeoutSec] = useState('60');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(undefined);
    setBusy(true);
    try {
      const job = await api.exec({
        selector: (fixedSelector ?? selector).trim(),
        command,
        forks: forks.trim() ? Number(forks) : undefined,
        timeoutSec: timeoutSec.trim() ? Number(timeoutSec) : undefined,
      });
      navigate(`/jobs/${encodeURIComponent(job.id)}`);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  return (
    <form className="run-form" onSubmit={submit} aria-label="Run command">
      {!fixedSelector && (
        <div className="run-form-row">
          <label className="field field-grow">
            <span>Hosts (selector)</span>
            <input
              name="selector"
              value={selector}
              onChange={(e) => setSelector(e.target.value)}
              placeholder="web1, group:web, tag:env=prod, all"
              list="selector-suggestions"
              required
              autoComplete="off"
            />
            {selectorSuggestions && (
              <datalist id="selector-suggestions">
                {selectorSuggestions.map((s) => (
                  <option key={s} value={s} />
                ))}
              </datalist>
            )}
          </label>
          <label className="field field-num">
            <span>Forks</span>
            <input name="forks" type="number" min={1} max={1000} value={forks} onChange={(e) => setForks(e.target.value)} placeholder="default" />
          </label>
          <label className="field field-num">
            <span>Timeout (s)</span>
            <input name="timeoutSec" type="number" min={1} max={86400} value={timeoutSec} onChange={(e) => setTimeoutSec(e.target.value)} />
          </label>
        </div>
      )}
      <div className="run-form-row">
        <label className="field field-grow">
          <span>Command{fixedSelector ? ` on ${fixedSelector}` : ''}</span>
          <textarea
            name="command"
            className="mono"
            rows={2}
            value={command}
            onChange={(e) => setCommand(e.target.value)}
            onKeyDown={(e) => {
              // Ctrl/Cmd+Enter runs, Enter alone adds a line (commands can be scripts)
              if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
                e.preventDefault();
                e.currentTarget.form?.requestSubmit();
              }
            }}
            placeholder="uptime; df -h /"
            required
            spellCheck={false}
          />
        </label>
        <div className="run-form-submit">
          <button type="submit" className="btn btn-primary" disabled={busy || !command.trim()}>
            {busy ? 'Starting…' : 'Run'}
          </button>
          <span className="hint">Ctrl+Enter</span>
        </div>
      </div>
      <ErrorBanner error={error} title="Could not start the command" />
    </form>
  );
}
