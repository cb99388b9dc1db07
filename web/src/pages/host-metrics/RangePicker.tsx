import { type FormEvent, type ReactNode, useState } from 'react';
import { dateTimeMs } from '../../format';
import { PRESETS, type RangeSel, fromLocalInput, toLocalInput, widen } from './time-range';

/** Preset ranges (15 m … 7 d) as buttons, and a custom from/to in local time. */
export function RangePicker(props: {
  sel: RangeSel;
  /** the range the charts show now (prefills the custom form) */
  shownFrom?: number;
  shownTo?: number;
  onPreset: (key: string) => void;
  onCustom: (from: number, to: number) => void;
  info?: ReactNode;
}) {
  const { sel, onPreset, onCustom, info } = props;
  const [open, setOpen] = useState(false);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [problem, setProblem] = useState<string | null>(null);

  const openCustom = () => {
    const now = Date.now();
    const f = sel.kind === 'absolute' ? sel.from : (props.shownFrom ?? now - 3600_000);
    const t = sel.kind === 'absolute' ? sel.to : (props.shownTo ?? now);
    setFrom(toLocalInput(f));
    setTo(toLocalInput(t));
    setProblem(null);
    setOpen(!open);
  };

  const apply = (e: FormEvent) => {
    e.preventDefault();
    const f = fromLocalInput(from);
    const t = fromLocalInput(to);
    if (f === null || t === null) return setProblem('enter both dates');
    if (f >= t) return setProblem('"from" must be before "to"');
    const w = widen(f, t);
    setProblem(null);
    setOpen(false);
    onCustom(w.from, w.to);
  };

  return (
    <div className="range-bar">
      <div className="range-presets" role="group" aria-label="Time range">
        {PRESETS.map((p) => {
          const on = sel.kind === 'relative' && sel.preset.key === p.key;
          return (
            <button key={p.key} type="button" className={on ? 'preset on' : 'preset'} aria-pressed={on} data-range={p.key} onClick={() => onPreset(p.key)}>
              {p.label}
            </button>
          );
        })}
        <button type="button" className={sel.kind === 'absolute' ? 'preset on' : 'preset'} aria-pressed={sel.kind === 'absolute'} aria-expanded={open} onClick={openCustom}>
          Custom…
        </button>
        {sel.kind === 'absolute' && (
          <span className="range-custom-text" data-testid="custom-range">
            {dateTimeMs(sel.from)} → {dateTimeMs(sel.to)}
          </span>
        )}
      </div>
      <div className="range-info">{info}</div>
      {open && (
        <form className="range-form" aria-label="Custom range" onSubmit={apply}>
          <label className="field field-inline">
            <span>From</span>
            <input type="datetime-local" name="from" value={from} onChange={(e) => setFrom(e.target.value)} />
          </label>
          <label className="field field-inline">
            <span>To</span>
            <input type="datetime-local" name="to" value={to} onChange={(e) => setTo(e.target.value)} />
          </label>
          <button type="submit" className="btn btn-primary btn-small">
            Apply
          </button>
          <button type="button" className="btn btn-small" onClick={() => setOpen(false)}>
            Cancel
          </button>
          {problem && <span className="field-error">{problem}</span>}
          <span className="hint">or drag across a chart to zoom in</span>
        </form>
      )}
    </div>
  );
}
