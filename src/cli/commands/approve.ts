import { NexusError } from '../../errors.js';
import type { Command } from '../command.js';
import { parseCommandArgs } from '../args.js';
import { environmentNamed, loadEnvironments } from '../../environments/config.js';
import { repositoryRoot, resolveDataDir } from '../../environments/data-folder.js';
import { localActor } from '../../environments/local-identity.js';
import { FileApprovalStore, submitReview } from '../../environments/approvals.js';
import type { ReviewDecision } from '../../environments/protection.js';
import { ApiClient } from '../../server/client.js';

/** `approve` and `reject` differ only in the decision they record. */
export function reviewCommand(name: string, decision: ReviewDecision, summary: string): Command {
  return {
    name,
    summary,
    usage: `nexus ${name} RUN --env ENV [--comment TEXT] [--as ACTOR] [--data DIR]   |   nexus ${name} RUN --env ENV [--comment TEXT] --server URL [--token T]`,
    async run(args, io) {
      const { values, positionals } = parseCommandArgs(name, args, { env: { type: 'string' }, comment: { type: 'string' }, as: { type: 'string' }, data: { type: 'string' }, server: { type: 'string' }, token: { type: 'string' } });
      if (positionals.length !== 1) throw new NexusError('USAGE', `nexus ${name}: give exactly one RUN`, { exitCode: 2 });
      if (!values.env) throw new NexusError('USAGE', `nexus ${name}: --env is required`, { exitCode: 2 });
      if (values.server) {
        if (values.as) throw new NexusError('USAGE', `nexus ${name}: --as is for local runs; against a server the token says who reviews`, { exitCode: 2 });
        const api = new ApiClient({ server: values.server, token: values.token }, io.env, io.cwd);
        const { run } = await api.json<{ run: { id: number; project: string } }>('GET', `/api/runs/${encodeURIComponent(positionals[0])}`);
        const { approvals } = await api.json<{ approvals: { id: number; runId: number; environment: string }[] }>('GET', `/api/projects/${encodeURIComponent(run.project)}/approvals`);
        const pending = approvals.find((a) => a.runId === run.id && a.environment === values.env);
        if (!pending) throw new NexusError('NOT_FOUND', `run ${run.id} has no deployment to '${values.env}' waiting for approval`);
        const { approval } = await api.json<{ approval: { reviewer: string; decidedAt: number; comment: string | null } }>('POST', `/api/approvals/${pending.id}`, { decision, comment: values.comment });
        io.stdout.write(`${decision} run ${run.id} for '${values.env}' as ${approval.reviewer} at ${new Date(approval.decidedAt).toISOString()}${approval.comment ? `: ${approval.comment}` : ''}\n`);
        return 0;
      }
      const environments = loadEnvironments(repositoryRoot(io.cwd), io.cwd);
      const env = environmentNamed(environments, values.env);
      const actor = localActor(io.cwd, values.as, io.env);
      const store = new FileApprovalStore(resolveDataDir(io.cwd, values.data, io.env));
      const review = submitReview(store, env, environments, positionals[0], actor, decision, values.comment);
      io.stdout.write(`${review.decision} ${positionals[0]} for '${env.name}' as ${review.actor} at ${review.at}${review.comment ? `: ${review.comment}` : ''}\n`);
      return 0;
    },
  };
}

export const approve = reviewCommand('approve', 'approved', 'Approve a run waiting for an environment (as a required reviewer)');
