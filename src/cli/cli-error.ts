/** An error the CLI prints as one line (`osdeck: CODE: message`) before exiting non-zero. */
export class CliError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}
