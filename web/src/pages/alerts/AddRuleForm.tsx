import { type FormEvent, type ReactNode, useState } from 'react';
import { ApiError, api } from '../../api';
import type { AlertRule } from '../../api-types';
import { ErrorBanner } from '../../components/ErrorBanner';
import { HostDatalist } from '../../components/HostDatalist';
import { METRICS, conditionText, metricInfo, unitText } from '../../metric-catalog';
import { EMPTY_FORM, type RuleField, type RuleForm, buildRule, fieldOfError, scalesFor } from './alert-form';

function FieldNote({ error, hint }: { error?: string; hint?: ReactNode }) {
  if (error) return <small className="field-error">{error}</small>;
  return hint ? <small className="hint">{hint}</small> : null;
}

/** "Add rule": a threshold on one metric, averaged over a window, on the hosts of a selector. */
export function AddRuleForm({ onAdded }: { onAdded: (r: AlertRule) => void }) {
  const [f, setF] = useState<RuleForm>(EMPTY_FORM);
  const [problems, setProblems] = useState<Partial<Record<RuleField, string>>>({});
  const [serverError, setServerError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const [added, setAdded] = useState<AlertRule | null>(null);

  const set = <K extends keyof RuleForm>(k: K, v: RuleForm[K]) => {
    setF((prev) => ({ ...prev, [k]: v }));
    // an edited field's complaint is stale
    setProblems((p) => {
      const field = (k === 'scale' ? 'threshold' : k === 'windowUnit' ? 'window' : k === 'op' ? 'threshold' : k) as RuleField;
      if (!(field in p)) return p;
      const next = { ...p };
      delete next[field];
      return next;
    });
  };

  const metric = metricInfo(f.metric);
  const scales = scalesFor(metric.unit);
  const unitSuffix = scales ? null : metric.unit === '/s' ? '/s' : metric.unit || null;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setAdded(null);
    setServerError(undefined);
    const built = buildRule(f);
    if (built.problems) {
      setProblems(built.problems);
      return;
    }
    setProblems({});
    setBusy(true);
    try {
      const rule = await api.addAlertRule(built.rule);
      setAdded(rule);
      setF((prev) => ({ ...prev, name: '', threshold: '' }));
      onAdded(rule);
    } catch (err) {
      const field = fieldOfError(err);
      if (field && err instanceof ApiError) setProblems({ [field]: `${err.detail} (${err.code})` });
      else setServerError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="rule-form" aria-label="Add rule" onSubmit={submit} noValidate>
      <label className="field">
        <span>Name</span>
        <input name="name" value={f.name} onChange={(e) => set('name', e.target.value)} placeholder="cpu-high" maxLength={63} aria-invalid={!!problems.name} autoComplete="off" />
        <FieldNote error={problems.name} hint="letters, digits, '.', '_', '-'" />
      </label>
      <label className="field">
        <span>Hosts</span>
        <input name="selector" className="mono" list="rule-hosts" value={f.selector} onChange={(e) => set('selector', e.target.value)} aria-invalid={!!problems.selector} autoComplete="off" />
        <HostDatalist id="rule-hosts" />
        <FieldNote error={problems.selector} hint="all, NAME, group:G, tag:k=v, or a comma list" />
      </label>
      <label className="field field-span-2">
        <span>Metric</span>
        <select name="metric" value={f.metric} onChange={(e) => set('metric', e.target.value)} aria-invalid={!!problems.metric}>
          {METRICS.map((m) => (
            <option key={m.id} value={m.id}>
              {m.title} ({m.unit ? unitText(m.unit) : 'number'}) · {m.id}
            </option>
          ))}
        </select>
        <FieldNote error={problems.metric} hint="averaged per host over the window, every 10 s" />
      </label>
      <div className="field field-span-2">
        <span id="rule-condition">Condition</span>
        <div className="input-row" role="group" aria-labelledby="rule-condition">
          <select name="op" className="input-op" value={f.op} onChange={(e) => set('op', e.target.value as RuleForm['op'])} aria-label="Comparison">
            <option value=">">&gt; above</option>
            <option value="<">&lt; below</option>
          </select>
          <input name="threshold" className="input-threshold" inputMode="decimal" value={f.threshold} onChange={(e) => set('threshold', e.target.value)} placeholder="90" aria-label="Threshold" aria-invalid={!!problems.threshold} autoComplete="off" />
          {scales ? (
            <select name="scale" className="input-unit" value={f.scale} onChange={(e) => set('scale', Number(e.target.value))} aria-label="Threshold unit">
              {scales.map((s) => (
                <option key={s.factor} value={s.factor}>
                  {s.label}
                </option>
              ))}
            </select>
          ) : (
            unitSuffix && <span className="input-suffix">{unitSuffix}</span>
          )}
        </div>
        <FieldNote error={problems.threshold} />
      </div>
      <div className="field">
        <span id="rule-window">Window</span>
        <div className="input-row" role="group" aria-labelledby="rule-window">
          <input name="window" inputMode="numeric" value={f.window} onChange={(e) => set('window', e.target.value)} aria-label="Window length" aria-invalid={!!problems.window} autoComplete="off" />
          <select name="windowUnit" className="input-unit" value={f.windowUnit} onChange={(e) => set('windowUnit', e.target.value as RuleForm['windowUnit'])} aria-label="Window unit">
            <option value="sec">seconds</option>
            <option value="min">minutes</option>
          </select>
        </div>
        <FieldNote error={problems.window} hint="10 s … 24 h" />
      </div>
      <label className="field">
        <span>
          Webhook URL <span className="muted">(optional)</span>
        </span>
        <input name="webhookUrl" className="mono" value={f.webhookUrl} onChange={(e) => set('webhookUrl', e.target.value)} placeholder="https://chat.example/hooks/…" aria-invalid={!!problems.webhookUrl} autoComplete="off" />
        <FieldNote error={problems.webhookUrl} hint="gets a JSON POST on firing and on resolving" />
      </label>
      <div className="rule-form-foot field-wide">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? 'Adding…' : 'Add rule'}
        </button>
        {added && (
          <span className="ok-text" role="status" data-testid="rule-added">
            Rule <b>{added.name}</b> added: {conditionText(added)} on {added.selector}
          </span>
        )}
      </div>
      {serverError !== undefined && (
        <div className="field-wide">
          <ErrorBanner error={serverError} title="The rule was not added" onDismiss={() => setServerError(undefined)} />
        </div>
      )}
    </form>
  );
}
