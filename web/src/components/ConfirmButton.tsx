import { useState } from 'react';

/** A destructive action that asks inline first ("Remove host x? Yes / No"), no browser dialog. */
export function ConfirmButton(props: { label: string; question: string; confirmLabel?: string; onConfirm: () => void | Promise<void>; busy?: boolean; disabled?: boolean; className?: string }) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <button type="button" className={props.className ?? 'btn btn-danger'} disabled={props.disabled || props.busy} onClick={() => setAsking(true)}>
        {props.label}
      </button>
    );
  }
  return (
    <span className="confirm">
      <span className="confirm-q">{props.question}</span>
      <button
        type="button"
        className="btn btn-danger"
        disabled={props.busy}
        onClick={async () => {
          await props.onConfirm();
          setAsking(false);
        }}
      >
        {props.busy ? 'Working…' : (props.confirmLabel ?? 'Yes')}
      </button>
      <button type="button" className="btn" disabled={props.busy} onClick={() => setAsking(false)}>
        Cancel
      </button>
    </span>
  );
}
