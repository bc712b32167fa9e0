import type { RunResult } from "../api";

export function summary(result: RunResult): string {
  if (result.timedOut) return `stopped after ${result.durationMs} ms (time limit)`;
  return `exit ${result.exitCode} in ${result.durationMs} ms${result.truncated ? ", output truncated" : ""}`;
}

export function RunOutput({ result }: { result: RunResult }) {
  return (
    <section aria-label="output">
      <p role="status">{summary(result)}</p>
      <pre data-testid="stdout">{result.stdout}</pre>
      {result.stderr && <pre data-testid="stderr">{result.stderr}</pre>}
    </section>
  );
}
