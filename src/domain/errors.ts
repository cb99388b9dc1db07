/**
 * Typed errors with stable codes. The API maps them to problem+json (RFC 9457); the CLI prints
 * one line with the code. `status` is the HTTP status the API answers with.
 */
export class OsdeckError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'OsdeckError';
  }
}

export const badRequest = (code: string, message: string, details?: Record<string, unknown>) =>
  new OsdeckError(code, message, 400, details);
export const unauthorized = (message = 'authentication required') =>
  new OsdeckError('UNAUTHORIZED', message, 401);
export const forbidden = (message: string) => new OsdeckError('FORBIDDEN', message, 403);
export const notFound = (what: string, name: string) =>
  new OsdeckError('NOT_FOUND', `${what} '${name}' not found`, 404, { what, name });
export const conflict = (code: string, message: string) => new OsdeckError(code, message, 409);

/** Errors that happen while talking to a host: the transport classifies every failure into one of these. */
export type HostErrorCode =
  | 'HOST_UNREACHABLE'
  | 'CONNECTION_REFUSED'
  | 'CONNECT_TIMEOUT'
  | 'AUTH_FAILED'
  | 'HOST_KEY_MISMATCH'
  | 'COMMAND_TIMEOUT'
  | 'CANCELLED'
  | 'CHANNEL_FAILED'
  | 'TRANSPORT_ERROR';

export class HostError extends OsdeckError {
  /** What a command printed before it was stopped (timeout or cancel), so it is not lost. */
  partial?: { stdout: Uint8Array; stderr: Uint8Array; stdoutBytes: number; stderrBytes: number };

  constructor(
    code: HostErrorCode,
    readonly host: string,
    message: string,
    details?: Record<string, unknown>,
  ) {
    super(code, `${host}: ${message}`, code === 'HOST_KEY_MISMATCH' ? 409 : 502, { host, ...details });
    this.name = 'HostError';
  }
  get hostCode(): HostErrorCode {
    return this.code as HostErrorCode;
  }
}

/** Which step status a host error leads to in a job. */
export function stepStatusForHostError(code: string): 'unreachable' | 'timeout' | 'cancelled' | 'failed' {
  switch (code) {
    case 'HOST_UNREACHABLE':
    case 'CONNECTION_REFUSED':
    case 'CONNECT_TIMEOUT':
    case 'AUTH_FAILED':
    case 'HOST_KEY_MISMATCH':
      return 'unreachable';
    case 'COMMAND_TIMEOUT':
      return 'timeout';
    case 'CANCELLED':
      return 'cancelled';
    default:
      return 'failed';
  }
}
