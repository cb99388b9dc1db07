import type { ReactNode } from 'react';
import { ApiError, errorText } from '../api';

/** Shows an API error's `detail` (never HTML), with its stable code for reference. */
export function ErrorBanner({ error, title, onDismiss }: { error: unknown; title?: string; onDismiss?: () => void }) {
  if (error === undefined || error === null) return null;
  const code = error instanceof ApiError ? error.code : undefined;
  return (
    <div className="banner banner-error" role="alert">
      <div className="banner-body">
        {title && <strong>{title}: </strong>}
        <span className="banner-detail">{errorText(error)}</span>
        {code && <span className="banner-code">{code}</span>}
      </div>
      {onDismiss && (
        <button type="button" className="banner-close" aria-label="Dismiss" onClick={onDismiss}>
          ×
        </button>
      )}
    </div>
  );
}

export function Notice({ kind = 'info', children }: { kind?: 'info' | 'warning' | 'success'; children: ReactNode }) {
  return <div className={`banner banner-${kind}`}>{children}</div>;
}
