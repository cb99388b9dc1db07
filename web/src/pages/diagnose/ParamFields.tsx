import type { DiagnosisParam } from '../../api-types';

/** Form fields generated from a diagnosis' parameter schema. */
export function ParamFields({ specs, values, onChange }: { specs: DiagnosisParam[]; values: Record<string, string>; onChange: (name: string, v: string) => void }) {
  return (
    <>
      {specs.map((p) => {
        const label = (
          <span>
            {p.name}
            {p.required ? ' *' : ''}
          </span>
        );
        const hint = (
          <span className="hint">
            {p.description}
            {p.default !== undefined && p.type !== 'boolean' ? ` (default ${String(p.default)})` : ''}
          </span>
        );
        if (p.type === 'boolean') {
          return (
            <label key={p.name} className="check field-wide">
              <input type="checkbox" name={p.name} checked={values[p.name] === 'true'} onChange={(e) => onChange(p.name, String(e.target.checked))} />
              {p.name} — <span className="hint">{p.description}</span>
            </label>
          );
        }
        if (p.enum) {
          return (
            <label key={p.name} className="field">
              {label}
              <select name={p.name} value={values[p.name] ?? ''} onChange={(e) => onChange(p.name, e.target.value)}>
                <option value="">{p.default !== undefined ? `default (${String(p.default)})` : '—'}</option>
                {p.enum.map((o) => (
                  <option key={o} value={o}>
                    {o}
                  </option>
                ))}
              </select>
              {hint}
            </label>
          );
        }
        const long = p.type === 'string' && (p.maxLength ?? 0) > 4096;
        return (
          <label key={p.name} className={`field ${long ? 'field-wide' : ''}`}>
            {label}
            {long ? (
              <textarea name={p.name} className="mono" rows={3} value={values[p.name] ?? ''} required={p.required} onChange={(e) => onChange(p.name, e.target.value)} />
            ) : (
              <input
                name={p.name}
                type={p.type === 'string' ? 'text' : 'number'}
                min={p.min}
                max={p.max}
                step={p.type === 'integer' ? 1 : 'any'}
                value={values[p.name] ?? ''}
                required={p.required}
                placeholder={p.default !== undefined ? String(p.default) : ''}
                onChange={(e) => onChange(p.name, e.target.value)}
                autoComplete="off"
              />
            )}
            {hint}
          </label>
        );
      })}
    </>
  );
}
