import { useState } from 'react';

/**
 * Rows that open on demand: with `defaultOpen` every row starts open and a toggle closes it, else
 * the other way round (a single-host job shows its output at once).
 */
export function useToggleSet(defaultOpen: boolean): { isOpen: (key: string) => boolean; toggle: (key: string) => void; setAll: (open: boolean, keys: string[]) => void } {
  const [toggled, setToggled] = useState<Set<string>>(new Set());
  return {
    isOpen: (key) => defaultOpen !== toggled.has(key),
    toggle: (key) =>
      setToggled((t) => {
        const n = new Set(t);
        if (n.has(key)) n.delete(key);
        else n.add(key);
        return n;
      }),
    setAll: (open, keys) => setToggled(open === defaultOpen ? new Set() : new Set(keys)),
  };
}
