import { useState } from 'react';
import { api } from '../../api';
import type { TuneProfile } from '../../api-types';
import { ConfirmButton } from '../../components/ConfirmButton';
import { type Column, DataTable } from '../../components/DataTable';
import { ErrorBanner, Notice } from '../../components/ErrorBanner';
import { Panel } from '../../components/PageHeader';
import { useSession } from '../../session';

const EXAMPLE = `name: my-web
description: web servers, with a longer listen backlog
extends: baseline
rules:
  - somaxconn
  - id: nofile-limit
    params:
      nofile: 262144
`;

function ruleText(r: TuneProfile['rules'][number]): string {
  const ps = Object.entries(r.params);
  return ps.length ? `${r.rule} (${ps.map(([k, v]) => `${k}=${String(v)}`).join(', ')})` : r.rule;
}

/** Built-in and operator profiles; operators paste YAML to add or change their own (the server checks it). */
export function ProfilesPanel({ profiles, onSaved, onDeleted }: { profiles: TuneProfile[]; onSaved: (p: TuneProfile) => void; onDeleted: (name: string) => void }) {
  const { can } = useSession();
  const canEdit = can('tune.apply');
  const [yaml, setYaml] = useState('');
  const [editing, setEditing] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const [errorTitle, setErrorTitle] = useState('Not saved');
  const [saved, setSaved] = useState<string | null>(null);

  async function save() {
    setBusy('save');
    setError(undefined);
    setSaved(null);
    try {
      const p = editing ? await api.updateTuneProfile(editing, yaml) : await api.saveTuneProfile(yaml);
      setSaved(p.name);
      setEditing(p.name);
      onSaved(p);
    } catch (err) {
      setErrorTitle('Not saved');
      setError(err);
    } finally {
      setBusy(null);
    }
  }

  async function remove(name: string) {
    setBusy(`delete:${name}`);
    setError(undefined);
    setSaved(null);
    try {
      await api.deleteTuneProfile(name);
      if (editing === name) {
        setEditing(null);
        setYaml('');
      }
      onDeleted(name);
    } catch (err) {
      setErrorTitle(`Could not delete ${name}`);
      setError(err);
    } finally {
      setBusy(null);
    }
  }

  function edit(p: TuneProfile) {
    setEditing(p.builtIn ? null : p.name);
    setYaml(p.builtIn ? `name: my-${p.name}\ndescription: ${p.name} and then some\nextends: ${p.name}\nrules:\n  - somaxconn\n` : (p.yaml ?? ''));
    setError(undefined);
    setSaved(null);
  }

  const columns: Column<TuneProfile>[] = [
    {
      key: 'name',
      header: 'Profile',
      render: (p) => (
        <span className="nowrap">
          <span className="mono strong">{p.name}</span> {p.builtIn ? <span className="badge badge-muted">built in</span> : <span className="badge badge-busy">yours</span>}
        </span>
      ),
    },
    { key: 'extends', header: 'Extends', render: (p) => (p.extends ? <span className="mono nowrap">{p.extends}</span> : <span className="muted">—</span>) },
    {
      key: 'rules',
      header: 'Own rules',
      className: 'tune-profile-rules',
      render: (p) => (
        <span className="chips">
          {p.rules.map((r) => (
            <span key={r.rule} className="chip chip-tag">
              {ruleText(r)}
            </span>
          ))}
        </span>
      ),
    },
    { key: 'desc', header: 'Description', className: 'tune-profile-desc', render: (p) => p.description || <span className="muted">—</span> },
    {
      key: 'actions',
      header: '',
      className: 'cell-action',
      render: (p) =>
        canEdit && (
          <span className="nowrap tune-row-actions">
            <button type="button" className="btn btn-small" onClick={() => edit(p)}>
              {p.builtIn ? 'Extend' : 'Edit'}
            </button>
            {!p.builtIn && (
              <ConfirmButton
                label="Delete"
                className="btn btn-small btn-danger"
                question={`Delete profile ${p.name}?`}
                confirmLabel="Yes, delete"
                busy={busy === `delete:${p.name}`}
                onConfirm={() => remove(p.name)}
              />
            )}
          </span>
        ),
    },
  ];

  return (
    <Panel title="Profiles">
      <div className="stack">
        <DataTable columns={columns} rows={profiles} rowKey={(p) => p.name} testId="tune-profiles" />
        {canEdit ? (
          <div className="stack" data-testid="profile-editor">
            <div className="label-row">
              <strong>{editing ? `Edit profile ${editing}` : 'New profile (YAML)'}</strong>
              {editing && (
                <button
                  type="button"
                  className="btn btn-small"
                  onClick={() => {
                    setEditing(null);
                    setYaml('');
                    setSaved(null);
                    setError(undefined);
                  }}
                >
                  New profile instead
                </button>
              )}
            </div>
            <textarea
              className="mono"
              rows={9}
              value={yaml}
              onChange={(e) => setYaml(e.target.value)}
              placeholder={EXAMPLE}
              aria-label="profile YAML"
              spellCheck={false}
              aria-invalid={error ? true : undefined}
            />
            <div className="form-actions">
              <button type="button" className="btn btn-primary" disabled={!yaml.trim() || busy !== null} onClick={() => void save()}>
                {busy === 'save' ? 'Saving…' : editing ? `Save ${editing}` : 'Save profile'}
              </button>
              <span className="hint">name, description, extends (a profile) and rules (rule ids, or id + params). The server checks everything before saving.</span>
            </div>
            {saved && <Notice kind="success">Saved profile {saved}.</Notice>}
          </div>
        ) : (
          <span className="hint">Adding and changing profiles needs the operator or admin role.</span>
        )}
        <ErrorBanner error={error} title={errorTitle} onDismiss={() => setError(undefined)} />
      </div>
    </Panel>
  );
}
