/**
 * The `github` and `runner` contexts and the GITHUB_* / RUNNER_* variables a hosted runner sets,
 * derived from one description of the run.
 */
import { arch } from 'node:os';

export interface RunInfo {
  runId: string;
  runNumber: number;
  runAttempt: number;
  workflowName: string;
  workflowFile: string;
  eventName: string;
  event: Record<string, unknown>;
  eventPath: string;
  sha: string;
  ref: string;
  repository: string;
  actor: string;
  serverUrl: string;
  baseRef?: string;
  headRef?: string;
}

export interface JobPaths {
  workspace: string;
  temp: string;
  toolCache: string;
}

export function githubContext(run: RunInfo, jobId: string, paths: JobPaths): Record<string, unknown> {
  const refType = run.ref.startsWith('refs/tags/') ? 'tag' : 'branch';
  const owner = run.repository.split('/')[0] ?? '';
  return {
    action: '',
    action_path: '',
    action_ref: '',
    action_repository: '',
    actor: run.actor,
    triggering_actor: run.actor,
    api_url: `${run.serverUrl}/api`,
    graphql_url: `${run.serverUrl}/api/graphql`,
    server_url: run.serverUrl,
    base_ref: run.baseRef ?? '',
    head_ref: run.headRef ?? '',
    event: run.event,
    event_name: run.eventName,
    event_path: run.eventPath,
    job: jobId,
    ref: run.ref,
    // `7/merge` for a pull request's `refs/pull/7/merge`, as GitHub gives it.
    ref_name: run.ref.replace(/^refs\/(heads|tags|pull)\//, ''),
    ref_protected: false,
    ref_type: refType,
    repository: run.repository,
    repository_owner: owner,
    retention_days: '90',
    run_attempt: String(run.runAttempt),
    run_id: run.runId,
    run_number: String(run.runNumber),
    sha: run.sha,
    workflow: run.workflowName,
    workflow_ref: `${run.repository}/${run.workflowFile}@${run.ref}`,
    workflow_sha: run.sha,
    workspace: paths.workspace,
  };
}

export function runnerContext(paths: JobPaths, name = 'nexus'): Record<string, string> {
  return {
    name,
    os: 'Linux',
    arch: arch() === 'arm64' ? 'ARM64' : 'X64',
    temp: paths.temp,
    tool_cache: paths.toolCache,
    environment: 'self-hosted',
    debug: '',
  };
}

/**
 * The GITHUB_* and RUNNER_* variables of a step process. The runner sets them after the env
 * context, so that neither `env:` nor GITHUB_ENV can change them (the env context still shows
 * such a value; the process does not get it).
 */
export function runnerEnvironment(github: Record<string, unknown>, runner: Record<string, string>): Record<string, string> {
  const g = (k: string) => String(github[k] ?? '');
  return {
    GITHUB_ACTIONS: 'true',
    GITHUB_ACTION: g('action'),
    GITHUB_ACTOR: g('actor'),
    GITHUB_TRIGGERING_ACTOR: g('triggering_actor'),
    GITHUB_API_URL: g('api_url'),
    GITHUB_GRAPHQL_URL: g('graphql_url'),
    GITHUB_SERVER_URL: g('server_url'),
    GITHUB_BASE_REF: g('base_ref'),
    GITHUB_HEAD_REF: g('head_ref'),
    GITHUB_EVENT_NAME: g('event_name'),
    GITHUB_EVENT_PATH: g('event_path'),
    GITHUB_JOB: g('job'),
    GITHUB_REF: g('ref'),
    GITHUB_REF_NAME: g('ref_name'),
    GITHUB_REF_PROTECTED: g('ref_protected'),
    GITHUB_REF_TYPE: g('ref_type'),
    GITHUB_REPOSITORY: g('repository'),
    GITHUB_REPOSITORY_OWNER: g('repository_owner'),
    GITHUB_RETENTION_DAYS: g('retention_days'),
    GITHUB_RUN_ATTEMPT: g('run_attempt'),
    GITHUB_RUN_ID: g('run_id'),
    GITHUB_RUN_NUMBER: g('run_number'),
    GITHUB_SHA: g('sha'),
    GITHUB_WORKFLOW: g('workflow'),
    GITHUB_WORKFLOW_REF: g('workflow_ref'),
    GITHUB_WORKFLOW_SHA: g('workflow_sha'),
    GITHUB_WORKSPACE: g('workspace'),
    RUNNER_NAME: runner.name,
    RUNNER_OS: runner.os,
    RUNNER_ARCH: runner.arch,
    RUNNER_TEMP: runner.temp,
    RUNNER_TOOL_CACHE: runner.tool_cache,
    RUNNER_ENVIRONMENT: runner.environment,
  };
}
