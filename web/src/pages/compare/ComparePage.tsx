import { type FormEvent, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { ApiError, api } from '../../api';
import type { CompareReport, CompareRequest, MetricComparison } from '../../api-types';
import { ErrorBanner, Notice } from '../../components/ErrorBanner';
import { HostDatalist } from '../../components/HostDatalist';
import { PageHeader, Panel } from '../../components/PageHeader';
import { fileStamp, saveBlob } from '../../download';
import { dateTime, dateTimeMs } from '../../format';
import { type SortDir, type SortKey, firstDir, isSortKey, sortComparisons } from './compare-table';
import { DEFAULT_PRESET, WINDOW_PRESETS, type WindowField, type WindowInputs, inputsOf, parseWindows, presetByKey, spanText } from './compare-windows';
import { MetricsTable } from './MetricsTable';
import { OverlayCharts } from './OverlayCharts';

type Problems = Partial<Record<WindowField | 'before' | 'after' | 'selector', string>>;

interface Shown {
  request: CompareRequest;
  report: CompareReport;
}

/** Server answers that are about the selector rather than the windows. */
const SELECTOR_CODES = ['UNKNOWN_HOST', 'EMPTY_SELECTION', 'INVALID_SELECTOR', 'INVALID_NAME', 'INVALID_TAG'];

const SEVERITY_NOTICE: Record<string, 'success' | 'info' | 'warning'> = { ok: 'success', info: 'info' };

function windowsFromParams(params: URLSearchParams): { preset: string; inputs: WindowInputs } {
  const abs = ['bf', 'bt', 'af', 'at'].map((k) => Number(params.get(k)));
  if (abs.every((n) => Number.isFinite(n) && n > 0)) {
    const [bf, bt, af, at] = abs as [number, number, number, number];
    return { preset: 'custom', inputs: inputsOf({ before: { from: bf, to: bt }, after: { from: af, to: at } }) };
  }
  const preset = presetByKey(params.get('preset')) ?? presetByKey(DEFAULT_PRESET)!;
  return { preset: preset.key, inputs: inputsOf(preset.resolve(Date.now())) };
}

function WindowBox(props: { which: 'before' | 'after'; inputs: WindowInputs; problems: Problems; onChange: (k: WindowField, v: string) => void }) {
  const { which, inputs, problems, onChange } = props;
  const fromKey = `${which}From` as WindowField;
  const toKey = `${which}To` as WindowField;
  const err = problems[fromKey] ? `from: ${problems[fromKey]}` : problems[toKey] ? `to: ${problems[toKey]}` : problems[which];
  return (
    <fieldset className={`window-box window-${which}`} aria-label={`${which === 'before' ? 'Before' : 'After'} window`}>
      <legend>
        <span className={`window-swatch swatch-${which}`} aria-hidden /> {which === 'before' ? 'Before' : 'After'}
      </legend>
      <label className="field field-inline">
        <span>From</span>
        <input type="datetime-local" step={1} name={fromKey} value={inputs[fromKey]} onChange={(e) => onChange(fromKey, e.target.value)} aria-invalid={!!(problems[fromKey] || problems[which])} />
      </label>
      <label className="field field-inline">
        <span>To</span>
        <input type="datetime-local" step={1} name={toKey} value={inputs[toKey]} onChange={(e) => onChange(toKey, e.target.value)} aria-invalid={!!(problems[toKey] || problems[which])} />
      </label>
      {err && (
        <small className="field-error" data-testid={`${which}-error`}>
          {err}
        </small>
      )}
    </fieldset>
  );
}

export function ComparePage() {
  const [params, setParams] = useSearchParams();
  const initial = useMemo(() => windowsFromParams(params), []); // the URL seeds the form once
  const [selector, setSelector] = useState(params.get('selector') ?? '');
  const [preset, setPreset] = useState(initial.preset);
  const [inputs, setInputs] = useState<WindowInputs>(initial.inputs);
  const [problems, setProblems] = useState<Problems>({});
  const [warning, setWarning] = useState<string | null>(null);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [shown, setShown] = useState<Shown | null>(null);
  const [downloading, setDownloading] = useState<'html' | 'xlsx' | null>(null);
  const [downloadError, setDownloadError] = useState<unknown>(undefined);
  const [changedOnly, setChangedOnly] = useState(false);
  const [allCharts, setAllCharts] = useState(false);

  const sortParam = params.get('sort');
  const sortKey = isSortKey(sortParam) ? sortParam : null;
  const dir: SortDir = params.get('dir') === 'asc' ? 'asc' : 'desc';

  const choosePreset = (key: string) => {
    const p = presetByKey(key);
    if (!p) return;
    setPreset(key);
    setInputs(inputsOf(p.resolve(Date.now())));
    setProblems({});
    setWarning(null);
  };

  const editInput = (k: WindowField, v: string) => {
    setInputs((prev) => ({ ...prev, [k]: v }));
    setPreset('custom');
    setProblems((p) => {
      const next = { ...p };
      delete next[k];
      delete next[k.startsWith('before') ? 'before' : 'after'];
      return next;
    });
  };

  async function run(e: FormEvent) {
    e.preventDefault();
    setError(undefined);
    const now = Date.now();
    // a preset means "relative to now": resolve it at the click, and show what was used
    const p = presetByKey(preset);
    const current = p ? inputsOf(p.resolve(now)) : inputs;
    if (p) setInputs(current);
    const parsed = parseWindows(current, now);
    const probs: Problems = parsed.problems ? { ...parsed.problems } : {};
    if (!selector.trim()) probs.selector = 'which hosts: a host name, group:G, tag:k=v, all, or a comma list';
    if (Object.keys(probs).length || !parsed.windows) {
      setProblems(probs);
      setWarning(null);
      return;
    }
    setProblems({});
    setWarning(parsed.warning);
    const request: CompareRequest = { selector: selector.trim(), before: parsed.windows.before, after: parsed.windows.after };
    const next = new URLSearchParams(params);
    next.set('selector', request.selector);
    for (const k of ['preset', 'bf', 'bt', 'af', 'at']) next.delete(k);
    if (p) next.set('preset', p.key);
    else {
      next.set('bf', String(request.before.from));
      next.set('bt', String(request.before.to));
      next.set('af', String(request.after.from));
      next.set('at', String(request.after.to));
    }
    setParams(next, { replace: true });
    setRunning(true);
    try {
      const report = await api.compare(request);
      setShown({ request, report });
      setDownloadError(undefined);
    } catch (err) {
      setError(err);
    } finally {
      setRunning(false);
    }
  }

  async function download(format: 'html' | 'xlsx') {
    if (!shown) return;
    setDownloading(format);
    setDownloadError(undefined);
    try {
      const { blob } = await api.compareDocument(shown.request, format);
      const safe = shown.request.selector.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 60);
      saveBlob(blob, `osdeck-compare-${safe}-${fileStamp(shown.request.after.to)}.${format}`);
    } catch (err) {
      setDownloadError(err);
    } finally {
      setDownloading(null);
    }
  }

  const setSort = (k: SortKey) => {
    const next = new URLSearchParams(params);
    if (sortKey === k) next.set('dir', dir === 'asc' ? 'desc' : 'asc');
    else {
      next.set('sort', k);
      next.set('dir', firstDir(k));
    }
    setParams(next, { replace: true });
  };
  const defaultOrder = () => {
    const next = new URLSearchParams(params);
    next.delete('sort');
    next.delete('dir');
    setParams(next, { replace: true });
  };

  const report = shown?.report;
  const comparisons = report?.comparisons ?? [];
  const hosts = useMemo(() => [...new Set(comparisons.map((c) => c.host))], [comparisons]);
  const multiHost = (report?.evidence.series.length ?? 0) > 1;
  const changed = comparisons.filter((c) => c.change.changed);
  const rows = useMemo(() => sortComparisons(changedOnly ? comparisons.filter((c) => c.change.changed) : comparisons, sortKey, dir), [comparisons, changedOnly, sortKey, dir]);
  const chartRows: MetricComparison[] = useMemo(() => sortComparisons(allCharts ? comparisons : comparisons.filter((c) => c.change.changed), null, 'desc'), [comparisons, allCharts]);
  const hostsWithoutData = report ? report.evidence.series.map((s) => s.host).filter((h) => !hosts.includes(h)) : [];
  const activePreset = presetByKey(preset);
  const selectorRefused = error instanceof ApiError && SELECTOR_CODES.includes(error.code);

  return (
    <div data-testid="compare-page">
      <PageHeader
        title="Compare before/after"
        subtitle="Every metric of a host or group in two time windows: mean, percentiles, spread, and whether the change is beyond noise."
      />
      <Panel className="compare-form-panel">
        <form className="compare-form" aria-label="Compare" onSubmit={run} noValidate>
          <div className="compare-form-top">
            <label className="field compare-selector">
              <span>Hosts</span>
              <input
                name="selector"
                className="mono"
                list="compare-hosts"
                value={selector}
                onChange={(e) => setSelector(e.target.value)}
                placeholder="web1, group:web, tag:env=prod, all"
                aria-invalid={!!problems.selector || selectorRefused}
                autoComplete="off"
              />
              <HostDatalist id="compare-hosts" />
              {problems.selector ? <small className="field-error">{problems.selector}</small> : <small className="hint">a host name, group:G, tag:k=v, all, or a comma list</small>}
            </label>
            <div className="field">
              <span>Windows</span>
              <div className="presets compare-presets" role="group" aria-label="Window presets">
                {WINDOW_PRESETS.map((p) => (
                  <button key={p.key} type="button" className={preset === p.key ? 'preset on' : 'preset'} aria-pressed={preset === p.key} title={p.title} data-preset={p.key} onClick={() => choosePreset(p.key)}>
                    {p.label}
                  </button>
                ))}
                <span className={preset === 'custom' ? 'preset on preset-static' : 'preset preset-static'} aria-hidden title="edit the dates below">
                  custom
                </span>
              </div>
              <small className="hint">{activePreset ? `${activePreset.title} (relative to the moment you click Run)` : 'custom windows: edit the dates below (local time)'}</small>
            </div>
          </div>
          <div className="compare-windows">
            <WindowBox which="before" inputs={inputs} problems={problems} onChange={editInput} />
            <WindowBox which="after" inputs={inputs} problems={problems} onChange={editInput} />
            <div className="compare-run">
              <button type="submit" className="btn btn-primary" disabled={running}>
                {running ? 'Running…' : 'Run'}
              </button>
            </div>
          </div>
        </form>
      </Panel>

      {warning && <Notice kind="warning">{warning}</Notice>}
      <ErrorBanner error={error} title="The comparison failed" onDismiss={() => setError(undefined)} />

      {report && shown && (
        <div className="compare-result" data-testid="compare-result" data-changed={changed.length} data-rows={comparisons.length}>
          <Panel
            title={report.title}
            actions={
              <>
                <button type="button" className="btn btn-small" onClick={() => void download('html')} disabled={downloading !== null}>
                  {downloading === 'html' ? 'Preparing…' : 'Download HTML'}
                </button>
                <button type="button" className="btn btn-small" onClick={() => void download('xlsx')} disabled={downloading !== null}>
                  {downloading === 'xlsx' ? 'Preparing…' : 'Download XLSX'}
                </button>
              </>
            }
          >
            <div className="compare-meta muted small">
              <span>
                <span className="window-swatch swatch-before" aria-hidden /> before {dateTimeMs(shown.request.before.from)} → {dateTimeMs(shown.request.before.to)} ({spanText(shown.request.before.to - shown.request.before.from)})
              </span>
              <span>
                <span className="window-swatch swatch-after" aria-hidden /> after {dateTimeMs(shown.request.after.from)} → {dateTimeMs(shown.request.after.to)} ({spanText(shown.request.after.to - shown.request.after.from)})
              </span>
              <span>
                {report.evidence.series.length} host{report.evidence.series.length === 1 ? '' : 's'} · {comparisons.length} metrics compared · generated {dateTime(report.generatedAt)}
              </span>
            </div>
            <ErrorBanner error={downloadError} title="The download failed" onDismiss={() => setDownloadError(undefined)} />
            <Notice kind={SEVERITY_NOTICE[report.severity] ?? 'warning'}>
              <span data-testid="conclusion">{report.conclusion}</span>
            </Notice>
            {hostsWithoutData.length > 0 && (
              <Notice kind="warning">
                No stored metrics in either window for {hostsWithoutData.join(', ')}: were {hostsWithoutData.length === 1 ? 'it' : 'they'} polled then?
              </Notice>
            )}
            {report.findings.length > 0 && (
              <ul className="findings" data-testid="findings">
                {report.findings.map((f, i) => (
                  <li key={i}>
                    <span className={`badge badge-${f.severity === 'info' ? 'busy' : f.severity === 'ok' ? 'ok' : f.severity === 'low' ? 'muted' : f.severity === 'medium' ? 'warn' : 'bad'}`}>{f.severity}</span> <span>{f.summary}</span>
                    {f.detail && <span className="muted small"> · {f.detail}</span>}
                  </li>
                ))}
              </ul>
            )}
            {report.recommendations.length > 0 && (
              <div className="recommendations">
                {report.recommendations.map((r, i) => (
                  <div key={i}>
                    <span className="strong">Next: </span>
                    {r.summary}
                    {r.commands?.map((c) => (
                      <code key={c} className="rec-command">
                        {c}
                      </code>
                    ))}
                  </div>
                ))}
              </div>
            )}
          </Panel>

          <Panel
            title="Metrics, before vs after"
            actions={
              <>
                <label className="check">
                  <input type="checkbox" checked={changedOnly} onChange={(e) => setChangedOnly(e.target.checked)} /> changed only ({changed.length})
                </label>
                {sortKey !== null && (
                  <button type="button" className="btn btn-small" onClick={defaultOrder}>
                    Changed first
                  </button>
                )}
              </>
            }
          >
            <MetricsTable rows={rows} multiHost={multiHost} sortKey={sortKey} dir={dir} onSort={setSort} />
          </Panel>

          <div className="section-head">
            <h2>Charts</h2>
            <span className="muted small">
              {allCharts ? 'every metric' : changed.length ? `the ${changed.length} changed metric${changed.length === 1 ? '' : 's'}` : 'no metric changed beyond noise'}
              {' · '}
              <span className="swatch-text swatch-before-text">before</span> grey, <span className="swatch-text swatch-after-text">after</span> blue
            </span>
            <label className="check">
              <input type="checkbox" checked={allCharts} onChange={(e) => setAllCharts(e.target.checked)} data-testid="all-charts" /> all metrics
            </label>
          </div>
          <OverlayCharts
            report={report}
            rows={chartRows}
            multiHost={multiHost}
            spanMs={Math.max(shown.request.before.to - shown.request.before.from, shown.request.after.to - shown.request.after.from)}
          />
        </div>
      )}
    </div>
  );
}
