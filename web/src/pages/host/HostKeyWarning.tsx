import type { Host } from '../../api-types';
import { ConfirmButton } from '../../components/ConfirmButton';

/** The host offers a key that differs from the pinned one: a reinstall, or someone in the middle. */
export function HostKeyWarning({ host, canTrust, busy, onTrust }: { host: Host; canTrust: boolean; busy: boolean; onTrust: () => Promise<void> }) {
  if (!host.offeredHostKeyFingerprint) return null;
  return (
    <div className="banner banner-warning hostkey-warning" role="alert" data-testid="hostkey-warning">
      <div>
        <strong>The host key of {host.name} has changed.</strong> osdeck refuses to connect until the new key is trusted. If the host was not
        reinstalled, someone may be intercepting the connection: check the fingerprint on the host's console (<code>ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub</code>) before trusting it.
      </div>
      <dl className="kv kv-compact">
        <div className="kv-row">
          <dt>Pinned key</dt>
          <dd className="mono">{host.hostKeyFingerprint ?? '—'}</dd>
        </div>
        <div className="kv-row">
          <dt>Offered key</dt>
          <dd className="mono">{host.offeredHostKeyFingerprint}</dd>
        </div>
      </dl>
      {canTrust ? (
        <ConfirmButton
          label="Trust new key"
          className="btn btn-warning"
          question={`Pin ${host.offeredHostKeyFingerprint} for ${host.name}?`}
          confirmLabel="Yes, trust it"
          busy={busy}
          onConfirm={onTrust}
        />
      ) : (
        <div className="muted">Only an administrator can trust the new key.</div>
      )}
    </div>
  );
}
