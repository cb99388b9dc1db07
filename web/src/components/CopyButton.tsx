import { useState } from 'react';

/** A copy-to-clipboard button for commands (plain http has no Clipboard API: a selection copy then). */
export function CopyButton({ text, label = 'copy' }: { text: string; label?: string }) {
  const [done, setDone] = useState(false);
  return (
    <button
      type="button"
      className="btn btn-small"
      onClick={() => {
        const ok = () => {
          setDone(true);
          setTimeout(() => setDone(false), 1500);
        };
        if (navigator.clipboard) void navigator.clipboard.writeText(text).then(ok, () => undefined);
        else {
          const ta = document.createElement('textarea');
          ta.value = text;
          document.body.appendChild(ta);
          ta.select();
          if (document.execCommand('copy')) ok();
          ta.remove();
        }
      }}
    >
      {done ? 'copied' : label}
    </button>
  );
}
