import type { Step } from '../../api-types';
import { bytes } from '../../format';

/** A step's output, always as text (a <pre>), never interpreted as HTML. */
export function StepOutput({ step }: { step: Step }) {
  const empty = !step.stdout && !step.stderr && !step.error;
  return (
    <div className="step-output" data-testid={`output-${step.host}`}>
      {step.error && (
        <div className="output-error">
          {step.errorCode && <span className="mono">{step.errorCode}: </span>}
          {step.error}
        </div>
      )}
      {step.stdout ? (
        <div className="output-block">
          <div className="output-label">stdout · {bytes(step.stdoutBytes)}</div>
          <pre className="output">{step.stdout}</pre>
        </div>
      ) : null}
      {step.stderr ? (
        <div className="output-block">
          <div className="output-label output-label-err">stderr · {bytes(step.stderrBytes)}</div>
          <pre className="output output-err">{step.stderr}</pre>
        </div>
      ) : null}
      {step.truncated && <div className="muted small">Output was truncated at the job's output limit.</div>}
      {empty && <div className="muted small">{step.status === 'pending' || step.status === 'running' ? 'No output yet.' : 'No output.'}</div>}
    </div>
  );
}
