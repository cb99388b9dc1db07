/** Groups and tags as small chips: `web`, `env=prod`. */
export function Chips({ groups, tags }: { groups?: string[]; tags?: Record<string, string> }) {
  const g = groups ?? [];
  const t = Object.entries(tags ?? {});
  if (g.length === 0 && t.length === 0) return <span className="muted">—</span>;
  return (
    <span className="chips">
      {g.map((x) => (
        <span key={`g:${x}`} className="chip chip-group" title="group">
          {x}
        </span>
      ))}
      {t.map(([k, v]) => (
        <span key={`t:${k}`} className="chip chip-tag" title="tag">
          {k}={v}
        </span>
      ))}
    </span>
  );
}
