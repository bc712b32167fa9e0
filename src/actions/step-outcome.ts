/** Turns a finished step process into a step outcome, with the runner's messages for each way it can end. */
import type { ActionStepOutcome } from '../engine/action-host.js';
import type { StepProcessResult } from '../engine/step-process.js';

export function processOutcome(result: StepProcessResult, timeoutMs?: number): ActionStepOutcome {
  let error: string | undefined;
  if (result.spawnError) error = result.spawnError;
  else if (result.terminated === 'timeout') error = `The step has timed out after ${Math.round((timeoutMs ?? 0) / 60_000)} minutes.`;
  else if (result.terminated === 'cancelled') error = 'The operation was canceled.';
  else if (result.fileCommandError) error = result.fileCommandError;
  else if (result.exitCode !== 0) error = `Process completed with exit code ${result.exitCode ?? 'null (killed by a signal)'}.`;
  return {
    outcome: error ? 'failure' : 'success',
    outputs: result.outputs,
    env: result.env,
    path: result.path,
    state: result.state,
    summary: result.summary,
    annotations: result.annotations,
    error,
  };
}
