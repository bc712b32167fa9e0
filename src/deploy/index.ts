/**
 * Public entry of the deploy half. The engine calls `deployAction` for `uses: nexus/deploy@v1`; the server
 * can back `DeploymentRepository` with its store and read records the same way the CLI does.
 */
import { formatDiagnostic, isNexusError } from '../errors.js';
import { environmentNamed, loadEnvironments } from '../environments/config.js';
import { deployAllowed } from '../environments/protection.js';
import { parseReleaseSettings } from './options.js';
import { buildDeployRequest } from './request.js';
import { DeployDaemonClient } from './client.js';

export type { DeploymentRecord, DeploymentStatus, DeploymentState, AnalysisRecord } from './records.js';
export type { DeploymentRepository, DeploymentFilter } from './repository.js';
export { FileDeploymentRepository } from './repository.js';
export type { DeploymentProvider, RevisionSpec, RevisionInfo, ServiceKey } from './provider.js';
export { DeployDaemonClient } from './client.js';

export interface DeployActionContext {
  /** The data folder (`.nexus/` at the repository root by default); the deploy daemon of this folder runs the release. */
  dataDir: string;
  /** The checked-out repository; `.nexus/environments.yml` is read from here. */
  workspace: string;
  sha: string;
  ref?: string;
  /** The workflow run's id, kept on the record so a server can tell which project deployed. */
  runId?: string;
  /** Who triggered the run. */
  actor: string;
  /** Who approved the environment, when it needed a review. */
  approver?: string;
  /** The `environment:` of the job running the step: the deployment's environment unless the input names one. */
  jobEnvironment?: string;
  log: (line: string) => void;
  signal: AbortSignal;
  /** Secrets available to the job (notification URLs and signing keys are looked up here, then in the process environment). */
  secrets?: Record<string, string>;
}

export interface DeployActionResult {
  outputs: Record<string, string>;
  conclusion: 'success' | 'failure';
}

/**
 * `uses: nexus/deploy@v1`. Inputs (all strings, as `with:` gives them): service, environment (default: the
 * job's `environment:`; a protected one must be the job's), strategy
 * (blue-green), command, artifact, port, health-check, smoke-test, smoke-timeout, startup-timeout, wait,
 * analysis-duration, rollback-window, probe-interval, probe-timeout, failed-probes, max-error-rate, max-p95,
 * window, min-requests, no-traffic. Outputs: deployment-id, revision, url (the service's stable URL), environment-url,
 * status, analysis, live-revision.
 */
export async function deployAction(inputs: Record<string, string | undefined>, context: DeployActionContext): Promise<DeployActionResult> {
  const label = (name: string) => `input '${name}'`;
  try {
    const strategy = inputs.strategy?.trim() || 'blue-green';
    if (strategy !== 'blue-green') {
      context.log(`nexus/deploy: ${label('strategy')} ${JSON.stringify(strategy)}: only blue-green is supported`);
      return { outputs: {}, conclusion: 'failure' };
    }
    const service = inputs.service?.trim();
    if (!service) {
      context.log(`nexus/deploy: ${label('service')} is required`);
      return { outputs: {}, conclusion: 'failure' };
    }
    const environment = inputs.environment?.trim() || context.jobEnvironment;
    if (!environment) {
      context.log(`nexus/deploy: ${label('environment')} is required when the job has no \`environment:\``);
      return { outputs: {}, conclusion: 'failure' };
    }
    const environments = loadEnvironments(context.workspace);
    const allowed = deployAllowed(environmentNamed(environments, environment), environments.protectedBranches, context.jobEnvironment, context.ref);
    if (!allowed.allowed) {
      context.log(`nexus/deploy: refused: ${allowed.reason}`);
      return { outputs: {}, conclusion: 'failure' };
    }
    const settings = parseReleaseSettings((n) => inputs[n], label);
    if (!settings.artifact) context.log(`warning: nexus/deploy: no ${label('artifact')}: the revision runs in the job's workspace, which does not outlive the run; it keeps running, but cannot be restarted (supervision, rollback, a daemon restart)`);
    const secret = (name: string) => context.secrets?.[name] ?? process.env[name];
    const request = buildDeployRequest(settings, {
      service,
      environment,
      workspace: context.workspace,
      environments,
      commit: context.sha,
      ref: context.ref,
      runId: context.runId,
      actor: context.actor,
      approver: context.approver,
      secret,
      warn: (m) => context.log(`warning: ${m}`),
    }, label);
    const daemon = await DeployDaemonClient.connect(context.dataDir, { environment, secret });
    const { outcome, switched } = await daemon.deploy(request, settings.waitFor, { log: context.log, signal: context.signal });
    const record = outcome?.deployment ?? switched!.deployment;
    const state = record.statuses[record.statuses.length - 1].state;
    return {
      outputs: {
        'deployment-id': String(record.id),
        revision: String(record.revision),
        url: outcome?.serviceUrl ?? switched!.serviceUrl,
        'environment-url': record.url ?? '',
        status: state,
        analysis: record.analysis?.verdict ?? 'none',
        'live-revision': String(outcome?.liveRevision ?? record.revision),
      },
      conclusion: outcome ? outcome.conclusion : 'success',
    };
  } catch (e) {
    if (!isNexusError(e)) throw e;
    for (const d of e.diagnostics) context.log(formatDiagnostic(d));
    context.log(`nexus/deploy: ${e.message}`);
    return { outputs: {}, conclusion: 'failure' };
  }
}
