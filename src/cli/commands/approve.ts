import { NexusError } from '../../errors.js';
import type { Command } from '../command.js';
import { parseCommandArgs } from '../args.js';
import { environmentNamed, loadEnvironments } from '../../environments/config.js';
import { repositoryRoot, resolveDataDir } from '../../environments/data-folder.js';
import { localActor } from '../../environments/local-identity.js';
import { FileApprovalStore, submitReview } from '../../environments/approvals.js';
import type { ReviewDecision } from '../../environments/protection.js';

/** `approve` and `reject` differ only in the decision they record. */
export function reviewCommand(name: string, decision: ReviewDecision, summary: string): Command {
  return {
    name,
    summary,
    usage: `nexus ${name} RUN --env ENV [--comment TEXT] [--as ACTOR] [--data DIR]`,
    async run(args, io) {
      const { values, positionals } = parseCommandArgs(name, args, { env: { type: 'string' }, comment: { type: 'string' }, as: { type: 'string' }, data: { type: 'string' } });
      if (positionals.length !== 1) throw new NexusError('USAGE', `nexus ${name}: give exactly one RUN`, { exitCode: 2 });
      if (!values.env) throw new NexusError('USAGE', `nexus ${name}: --env is required`, { exitCode: 2 });
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
