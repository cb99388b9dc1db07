import { useEffect, useState } from 'react';
import { api } from '../api';

/**
 * Suggestions for a selector input (`<input list={id}>`): all, every host name, every group:G.
 * Loaded once; without them the input still takes any selector.
 */
export function HostDatalist({ id }: { id: string }) {
  const [options, setOptions] = useState<string[]>([]);
  useEffect(() => {
    let live = true;
    api
      .hosts()
      .then((hosts) => {
        if (!live) return;
        const groups = [...new Set(hosts.flatMap((h) => h.groups))].sort();
        setOptions(['all', ...hosts.map((h) => h.name), ...groups.map((g) => `group:${g}`)]);
      })
      .catch(() => {});
    return () => {
      live = false;
    };
  }, []);
  return (
    <datalist id={id}>
      {options.map((o) => (
        <option key={o} value={o} />
      ))}
    </datalist>
  );
}
