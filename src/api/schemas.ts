import { type TSchema, Type } from '@sinclair/typebox';

/** Shared API schemas: the same objects drive validation, serialization and the OpenAPI document. */
export const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: Type.String(),
    instance: Type.Optional(Type.String()),
    details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { $id: 'Problem', description: 'RFC 9457 problem details' },
);

export const Role = Type.Union([Type.Literal('viewer'), Type.Literal('operator'), Type.Literal('admin')]);

export const HostFacts = Type.Object({
  osId: Nullable(Type.String()),
  osVersionId: Nullable(Type.String()),
  osPretty: Nullable(Type.String()),
  osLike: Nullable(Type.String()),
  kernel: Nullable(Type.String()),
  arch: Nullable(Type.String()),
  hostname: Nullable(Type.String()),
  cpus: Nullable(Type.Number()),
  cpuModel: Nullable(Type.String()),
  memTotalBytes: Nullable(Type.Number()),
  uptimeSeconds: Nullable(Type.Number()),
  virtualization: Nullable(Type.String()),
  machineId: Nullable(Type.String()),
});

export const Host = Type.Object({
  name: Type.String(),
  transport: Type.Union([Type.Literal('local'), Type.Literal('ssh')]),
  address: Nullable(Type.String()),
  port: Nullable(Type.Integer()),
  user: Nullable(Type.String()),
  authType: Nullable(Type.String()),
  groups: Type.Array(Type.String()),
  tags: Type.Record(Type.String(), Type.String()),
  state: Type.String(),
  lastError: Nullable(Type.String()),
  lastSeenAt: Nullable(Type.String()),
  hostKeyFingerprint: Nullable(Type.String()),
  offeredHostKeyFingerprint: Nullable(Type.String()),
  facts: Nullable(HostFacts),
  factsAt: Nullable(Type.String()),
  createdAt: Type.String(),
});

export const StepCounts = Type.Record(Type.String(), Type.Integer());

export const Job = Type.Object({
  id: Type.String(),
  type: Type.String(),
  status: Type.String(),
  selector: Nullable(Type.String()),
  params: Type.Record(Type.String(), Type.Unknown()),
  createdBy: Type.String(),
  createdAt: Type.String(),
  startedAt: Nullable(Type.String()),
  finishedAt: Nullable(Type.String()),
  total: Type.Integer(),
  counts: StepCounts,
  error: Nullable(Type.String()),
  cancelRequested: Type.Boolean(),
});

export const Step = Type.Object({
  host: Type.String(),
  status: Type.String(),
  exitCode: Nullable(Type.Integer()),
  stdout: Nullable(Type.String()),
  stderr: Nullable(Type.String()),
  stdoutBytes: Type.Integer(),
  stderrBytes: Type.Integer(),
  truncated: Type.Boolean(),
  errorCode: Nullable(Type.String()),
  error: Nullable(Type.String()),
  startedAt: Nullable(Type.String()),
  finishedAt: Nullable(Type.String()),
  durationMs: Nullable(Type.Integer()),
  worker: Nullable(Type.String()),
});

export const User = Type.Object({ name: Type.String(), role: Role, createdAt: Type.String() });

export const Token = Type.Object({
  id: Type.String(),
  name: Type.String(),
  role: Role,
  owner: Nullable(Type.String()),
  createdAt: Type.String(),
  lastUsedAt: Nullable(Type.String()),
  revokedAt: Nullable(Type.String()),
});

export const AuditEntry = Type.Object({
  id: Type.Integer(),
  ts: Type.String(),
  actor: Type.String(),
  actorType: Type.String(),
  sourceIp: Nullable(Type.String()),
  action: Type.String(),
  target: Nullable(Type.String()),
  result: Type.String(),
  host: Nullable(Type.String()),
  command: Nullable(Type.String()),
  exitCode: Nullable(Type.Integer()),
  durationMs: Nullable(Type.Integer()),
  bytes: Nullable(Type.Integer()),
  jobId: Nullable(Type.String()),
  detail: Nullable(Type.Record(Type.String(), Type.Unknown())),
});

export const NameParam = Type.Object({ name: Type.String({ maxLength: 200 }) });
export const IdParam = Type.Object({ id: Type.String({ maxLength: 200 }) });
export const Ok = Type.Object({ ok: Type.Boolean() });

/** Error responses every protected route can give; listed so the OpenAPI document is honest. */
export const errors = { 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem, 429: Problem, 502: Problem };
