/** nexus/deploy: hands the inputs to the deploy half (src/deploy), which runs the release through the deploy daemon. */
import { deployAction } from '../../deploy/index.js';
import { say, type Builtin } from './builtin.js';

export const deploy: Builtin = {
  async main(ctx) {
    const result = await deployAction(ctx.inputs, {
      dataDir: ctx.dataDir,
      workspace: ctx.paths.workspace,
      sha: ctx.run.sha,
      ref: ctx.run.ref,
      runId: ctx.run.runId,
      actor: ctx.run.actor,
      approver: ctx.approver,
      jobEnvironment: ctx.environment,
      log: (line) => say(ctx, line),
      signal: ctx.signal ?? new AbortController().signal,
      secrets: ctx.secrets,
    });
    return { outcome: result.conclusion, outputs: result.outputs, error: result.conclusion === 'failure' ? 'The deployment failed (see the log above).' : undefined };
  },
};
