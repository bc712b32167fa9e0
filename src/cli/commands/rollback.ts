import { createInterface } from 'node:readline/promises';
import { NexusError } from '../../errors.js';
import type { Command } from '../command.js';
import { parseCommandArgs } from '../args.js';
import { environmentNamed, loadEnvironments } from '../../environments/config.js';
import { repositoryRoot, resolveDataDir } from '../../environments/data-folder.js';
import { localActor } from '../../environments/local-identity.js';
import { resolveTargets } from '../../alerts/notifier.js';
import { DeployDaemonClient } from '../../deploy/client.js';
import { environmentSecrets } from '../../deploy/request.js';

export const rollback: Command = {
  name: 'rollback',
  summary: 'Put an earlier revision of a service back, after showing what will change',
  usage: 'nexus rollback SERVICE --env ENV [--to REVISION] [--dry-run | --yes] [--as ACTOR] [--data DIR]',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs('rollback', args, { env: { type: 'string' }, to: { type: 'string' }, yes: { type: 'boolean' }, 'dry-run': { type: 'boolean' }, as: { type: 'string' }, data: { type: 'string' } });
    if (positionals.length !== 1) throw new NexusError('USAGE', 'nexus rollback: give exactly one SERVICE', { exitCode: 2 });
    if (!values.env) throw new NexusError('USAGE', 'nexus rollback: --env is required', { exitCode: 2 });
    const to = values.to === undefined ? undefined : Number(values.to);
    if (to !== undefined && !(Number.isInteger(to) && to > 0)) throw new NexusError('USAGE', `--to ${JSON.stringify(values.to)}: expected a revision number`, { exitCode: 2 });
    const root = repositoryRoot(io.cwd);
    const env = environmentNamed(loadEnvironments(root, io.cwd), values.env);
    const actor = localActor(io.cwd, values.as, io.env);
    const warn = (m: string) => io.stderr.write(`warning: ${m}\n`);
    const call = {
      environment: values.env,
      service: positionals[0],
      to,
      actor,
      notifications: resolveTargets(env.notifications, (n) => io.env[n], warn),
      secrets: environmentSecrets(env.secrets, (n) => io.env[n], warn),
      startupTimeoutMs: 60_000,
      probeTimeoutMs: 2_000,
    };
    const daemon = await DeployDaemonClient.connect(resolveDataDir(io.cwd, values.data, io.env), { environment: env.name, secret: (n) => io.env[n] });
    const plan = await daemon.planRollback(call);
    io.stdout.write(`Rollback of ${plan.service} in '${plan.environment}':\n${plan.changes.map((c) => `  ${c}`).join('\n')}\n`);
    for (const w of plan.warnings) warn(w);
    if (values['dry-run']) return 0;
    if (!values.yes) {
      if (!io.stdin.isTTY) throw new NexusError('USAGE', 'nexus rollback: no terminal to confirm on; pass --yes to roll back (or --dry-run to only preview)', { exitCode: 2 });
      const rl = createInterface({ input: io.stdin, output: io.stdout });
      const answer = await rl.question('Roll back now? [y/N] ');
      rl.close();
      if (!/^y(es)?$/i.test(answer.trim())) {
        io.stdout.write('not rolled back\n');
        return 1;
      }
    }
    const outcome = await daemon.rollback({ ...call, to: plan.to.revision }, (line) => io.stdout.write(`${line}\n`));
    const d = outcome.deployment;
    io.stdout.write(`deployment #${d.id} (rollback) ${d.statuses[d.statuses.length - 1].state}: ${d.statuses[d.statuses.length - 1].reason}\n`);
    return outcome.conclusion === 'success' ? 0 : 1;
  },
};
