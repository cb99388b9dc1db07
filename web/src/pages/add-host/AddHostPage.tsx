import { type ChangeEvent, type FormEvent, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api } from '../../api';
import type { NewHost } from '../../api-types';
import { ErrorBanner, Notice } from '../../components/ErrorBanner';
import { PageHeader, Panel } from '../../components/PageHeader';
import { useSession } from '../../session';
import { isSshTarget, parseGroups, parseTags } from './host-form';

type Auth = 'key' | 'password';

export function AddHostPage() {
  const { can } = useSession();
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [target, setTarget] = useState('');
  const [auth, setAuth] = useState<Auth>('key');
  const [privateKey, setPrivateKey] = useState('');
  const [keyFile, setKeyFile] = useState<string | null>(null);
  const [password, setPassword] = useState('');
  const [groups, setGroups] = useState('');
  const [tags, setTags] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);

  let tagError: string | null = null;
  try {
    parseTags(tags);
  } catch (err) {
    tagError = (err as Error).message;
  }
  const targetError = target && !isSshTarget(target) ? 'use USER@ADDRESS or USER@ADDRESS:PORT' : null;

  async function readKeyFile(e: ChangeEvent<HTMLInputElement>) {
    const file = e.target.files?.[0];
    if (!file) return;
    if (file.size > 64 * 1024) {
      setError(new Error(`${file.name} is larger than 64 KiB; that is not a private key`));
      return;
    }
    setPrivateKey(await file.text());
    setKeyFile(file.name);
    e.target.value = ''; // choosing the same file again still triggers a load
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (tagError || targetError) return;
    const body: NewHost = { name: name.trim(), ssh: target.trim(), groups: parseGroups(groups), tags: parseTags(tags) };
    if (auth === 'key') body.privateKey = privateKey;
    else body.password = password;
    setBusy(true);
    setError(undefined);
    try {
      const host = await api.addHost(body);
      navigate(`/hosts/${encodeURIComponent(host.name)}`);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  const crumbs = (
    <>
      <Link to="/hosts">Hosts</Link> /
    </>
  );
  if (!can('host.write')) {
    return (
      <>
        <PageHeader title="Add host" crumbs={crumbs} />
        <Notice kind="warning">Your role cannot add hosts. Ask an operator or administrator.</Notice>
      </>
    );
  }

  return (
    <>
      <PageHeader title="Add host" crumbs={crumbs} subtitle="osdeck connects over SSH, pins the host key it is offered and gathers facts before the host is saved." />
      <Panel className="form-panel">
        <form onSubmit={submit} className="form-grid" aria-label="Add host">
          <label className="field">
            <span>Name</span>
            <input name="name" value={name} onChange={(e) => setName(e.target.value)} placeholder="web1" required pattern="[A-Za-z0-9][A-Za-z0-9._\-]*" maxLength={63} autoFocus />
            <small className="hint">Letters, digits, dot, dash, underscore.</small>
          </label>
          <label className="field">
            <span>SSH target</span>
            <input name="ssh" className="mono" value={target} onChange={(e) => setTarget(e.target.value)} placeholder="root@192.0.2.10:22" required aria-invalid={!!targetError} />
            <small className={targetError ? 'field-error' : 'hint'}>{targetError ?? 'USER@ADDRESS[:PORT]'}</small>
          </label>
          <fieldset className="field field-wide">
            <legend>Authentication</legend>
            <div className="segmented">
              <label className={auth === 'key' ? 'on' : ''}>
                <input type="radio" name="auth" value="key" checked={auth === 'key'} onChange={() => setAuth('key')} /> Private key
              </label>
              <label className={auth === 'password' ? 'on' : ''}>
                <input type="radio" name="auth" value="password" checked={auth === 'password'} onChange={() => setAuth('password')} /> Password
              </label>
            </div>
          </fieldset>
          {auth === 'key' ? (
            <label className="field field-wide">
              <span className="label-row">
                Private key
                <span className="btn btn-small file-btn">
                  Load from file…
                  <input type="file" name="keyFile" onChange={readKeyFile} aria-label="Private key file" />
                </span>
              </span>
              {keyFile ? (
                // a key read from a file is not echoed on screen
                <div className="key-loaded" data-testid="key-loaded">
                  <span>
                    <b>{keyFile}</b> loaded ({privateKey.length} characters{/PRIVATE KEY-----/.test(privateKey) ? ', private key' : ', does not look like a private key'})
                  </span>
                  <button
                    type="button"
                    className="btn btn-small"
                    onClick={() => {
                      setKeyFile(null);
                      setPrivateKey('');
                    }}
                  >
                    Clear
                  </button>
                </div>
              ) : (
                <textarea
                  name="privateKey"
                  className="mono"
                  rows={6}
                  value={privateKey}
                  onChange={(e) => setPrivateKey(e.target.value)}
                  placeholder="-----BEGIN OPENSSH PRIVATE KEY-----"
                  required
                  spellCheck={false}
                />
              )}
              <small className="hint">Stored encrypted on the server; never shown again.</small>
            </label>
          ) : (
            <label className="field">
              <span>Password</span>
              <input name="password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} required autoComplete="off" />
              <small className="hint">Stored encrypted on the server.</small>
            </label>
          )}
          <label className="field">
            <span>Groups</span>
            <input name="groups" value={groups} onChange={(e) => setGroups(e.target.value)} placeholder="web, eu-west" />
            <small className="hint">Comma separated; select them with group:NAME.</small>
          </label>
          <label className="field">
            <span>Tags</span>
            <input name="tags" value={tags} onChange={(e) => setTags(e.target.value)} placeholder="env=prod, rack=a3" aria-invalid={!!tagError} />
            <small className={tagError ? 'field-error' : 'hint'}>{tagError ?? 'KEY=VALUE, comma separated; select them with tag:KEY=VALUE.'}</small>
          </label>
          <div className="field-wide">
            <ErrorBanner error={error} title="The host was not added" />
          </div>
          <div className="form-actions field-wide">
            <button type="submit" className="btn btn-primary" disabled={busy || !!tagError || !!targetError}>
              {busy ? 'Connecting…' : 'Connect and add'}
            </button>
            <Link to="/hosts" className="btn">
              Cancel
            </Link>
            {busy && <span className="muted">Connecting to {target}, checking the host key and gathering facts…</span>}
          </div>
        </form>
      </Panel>
    </>
  );
}
