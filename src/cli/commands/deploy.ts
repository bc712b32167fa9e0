import { NexusError } from '../../errors.js';
import type { Command } from '../command.js';
import { parseCommandArgs } from '../args.js';
import { environmentNamed, loadEnvironments } from '../../environments/config.js';
import { ensureDataDir, repositoryRoot, resolveDataDir } from '../../environments/data-folder.js';
import { gitHead, localActor } from '../../environments/local-identity.js';
import { branchAllowed } from '../../environments/protection.js';
import { holdAtGate } from '../local-gate.js';
import { RELEASE_SETTING_NAMES, parseReleaseSettings } from '../../deploy/options.js';
import { buildDeployRequest } from '../../deploy/request.js';
import { DeployDaemonClient } from '../../deploy/client.js';

const settingOptions = Object.fromEntries(RELEASE_SETTING_NAMES.map((n) => [n, { type: 'string' as const }]));

export const deploy: Command = {
  name: 'deploy',
  summary: 'Release a service to an environment blue/green, with analysis and automatic rollback',
  usage: `nexus deploy SERVICE --env ENV --command CMD [--artifact PATH] [--port N] [--health-check PATH]
       [--smoke-test CMD] [--wait analysis|switch] [--analysis-duration 5m] [--rollback-window 30s]
       [--probe-interval 10s] [--probe-timeout 2s] [--failed-probes 3] [--max-error-rate 5%] [--max-p95 3s]
       [--window 5m] [--min-requests 20] [--no-traffic inconclusive|pass|fail] [--startup-timeout 60s]
       [--smoke-timeout 5m] [--as ACTOR] [--data DIR]

The service must listen on $PORT and answer its health check with 2xx. Environments with required reviewers
or a wait timer hold the release until a review counts ('nexus approve' in another terminal, or the answer
here when --as is a reviewer who may approve) and the timer has run out.`,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs('deploy', args, { env: { type: 'string' }, as: { type: 'string' }, data: { type: 'string' }, ...settingOptions });
    const flag = (name: string) => `--${name}`;
    if (positionals.length !== 1) throw new NexusError('USAGE', 'nexus deploy: give exactly one SERVICE', { exitCode: 2 });
    if (!values.env) throw new NexusError('USAGE', 'nexus deploy: --env is required', { exitCode: 2 });
    const settings = parseReleaseSettings((n) => (values as Record<string, string | undefined>)[n], flag);
    const root = repositoryRoot(io.cwd);
    const environments = loadEnvironments(root, io.cwd);
    const env = environmentNamed(environments, values.env);
    const dataDir = ensureDataDir(resolveDataDir(io.cwd, values.data, io.env));
    const { commit, ref } = gitHead(root);
    const actor = localActor(io.cwd, values.as, io.env);
    const say = (line: string) => io.stdout.write(`${line}\n`);
    const warn = (line: string) => io.stderr.write(`warning: ${line}\n`);
    const request = buildDeployRequest(settings, { service: positionals[0], environment: values.env, workspace: root, environments, commit, ref, actor, secret: (n) => io.env[n], warn }, flag);

    const branch = branchAllowed(env, ref ?? '(no branch)', environments.protectedBranches);
    if (!branch.allowed) throw new NexusError('BRANCH_POLICY', branch.reason);
    if (env.protection.reviewers.length || env.protection.waitTimerMs) {
      const stop = new AbortController();
      const onSigint = () => stop.abort();
      process.once('SIGINT', onSigint);
      try {
        const gate = await holdAtGate({
          env, file: environments, dataDir, run: `deploy-${request.service}-${Date.now().toString(36)}`, ref: ref ?? '(detached HEAD)', sha: commit,
          actor, operator: actor, approve: false, what: request.service, service: request.service, url: env.url,
          secret: (n) => io.env[n], io, say, signal: stop.signal,
        });
        if (gate.state !== 'approved') throw new NexusError('NOT_APPROVED', `deployment to '${env.name}' ${gate.state}: ${gate.reason}`);
        request.approver = gate.review?.actor;
      } catch (e) {
        if (stop.signal.aborted) throw new NexusError('CANCELLED', 'stopped waiting for approval', { exitCode: 130 });
        throw e;
      } finally {
        process.off('SIGINT', onSigint);
      }
    }

    const daemon = await DeployDaemonClient.connect(dataDir, { environment: env.name, secret: (n) => io.env[n] });
    const { outcome, switched } = await daemon.deploy(request, settings.waitFor, { log: say });
    if (!outcome) {
      say(`deployment #${switched!.deployment.id}: traffic on revision ${switched!.deployment.revision} at ${switched!.serviceUrl}; analysis continues in the deploy daemon ('nexus deployments' shows the result)`);
      return 0;
    }
    const d = outcome.deployment;
    const last = d.statuses[d.statuses.length - 1];
    say(`deployment #${d.id} ${last.state}: ${last.reason}`);
    say(`${request.service} (${request.environment}) serves revision ${outcome.liveRevision ?? 'none'} at ${outcome.serviceUrl}`);
    return outcome.conclusion === 'success' ? 0 : 1;
  },
};
