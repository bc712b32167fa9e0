/**
 * Runs one process of a step with the whole runner protocol around it: fresh command files
 * (GITHUB_OUTPUT, GITHUB_ENV, GITHUB_PATH, GITHUB_STATE, GITHUB_STEP_SUMMARY), workflow
 * commands on stdout, masking of everything printed, and the results read back afterwards.
 * Run steps and action steps (node, composite) share it.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NexusError } from '../errors.js';
import { parseKeyValueFile, parsePathFile } from './file-commands.js';
import type { Masker } from './masker.js';
import { runProcess, type TerminationReason } from './process.js';
import type { Annotation } from './results.js';
import { parseWorkflowCommand } from './workflow-commands.js';

export type LogKind = 'output' | 'error-output' | 'command' | 'group' | 'endgroup' | 'debug' | 'error' | 'warning' | 'notice' | 'system';

export interface LogLine {
  kind: LogKind;
  text: string;
  /** For error/warning/notice lines from a workflow command: where it points (file, line, col, title). */
  annotation?: Annotation;
}

export interface StepProcessRequest {
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  tempDir: string;
  masker: Masker;
  log: (line: LogLine) => void;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Environment variables GITHUB_ENV may not change (the runner blocks NODE_OPTIONS). */
  allowUnsecureCommands?: boolean;
}

export interface StepProcessResult {
  exitCode: number | null;
  terminated?: TerminationReason;
  spawnError?: string;
  outputs: Record<string, string>;
  env: Record<string, string>;
  path: string[];
  state: Record<string, string>;
  summary: string;
  annotations: Annotation[];
  /** A malformed command file: the step fails with this message. */
  fileCommandError?: string;
}

const BLOCKED_ENV = new Set(['NODE_OPTIONS']);

export async function runStepProcess(req: StepProcessRequest): Promise<StepProcessResult> {
  const dir = join(req.tempDir, '_runner_file_commands');
  const fresh = mkdirSync(dir, { recursive: true }) !== undefined;
  // The processes of a job run one at a time, so the same files serve every step: each is created
  // once and emptied after a step that wrote to it (the runner's are per step; creating files per
  // step costs more than the step's own process on a busy disk).
  const files = {
    GITHUB_OUTPUT: join(dir, 'set_output'),
    GITHUB_ENV: join(dir, 'set_env'),
    GITHUB_PATH: join(dir, 'add_path'),
    GITHUB_STATE: join(dir, 'save_state'),
    GITHUB_STEP_SUMMARY: join(dir, 'step_summary'),
  };
  if (fresh) for (const f of Object.values(files)) writeFileSync(f, '');
  /** What the step wrote to a command file, leaving the file empty for the next step (a step may have deleted it). */
  const take = (file: string): string => {
    let text: string | undefined;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    if (text !== '') writeFileSync(file, '');
    return text ?? '';
  };

  const outputs: Record<string, string> = {};
  const state: Record<string, string> = {};
  const env: Record<string, string> = {};
  const path: string[] = [];
  const annotations: Annotation[] = [];
  let stopToken: string | undefined;

  const onLine = (raw: string, stream: 'stdout' | 'stderr') => {
    const command = stream === 'stdout' || raw.startsWith('::') ? parseWorkflowCommand(raw) : undefined;
    if (stopToken !== undefined) {
      if (command && command.name === stopToken) stopToken = undefined;
      req.log({ kind: stream === 'stderr' ? 'error-output' : 'output', text: req.masker.mask(raw) });
      return;
    }
    if (!command) {
      req.log({ kind: stream === 'stderr' ? 'error-output' : 'output', text: req.masker.mask(raw) });
      return;
    }
    switch (command.name) {
      case 'add-mask':
        req.masker.add(command.data.trim());
        req.log({ kind: 'command', text: '::add-mask::***' });
        return;
      case 'stop-commands':
        stopToken = command.data;
        req.log({ kind: 'command', text: req.masker.mask(raw) });
        return;
      case 'group':
        req.log({ kind: 'group', text: req.masker.mask(command.data) });
        return;
      case 'endgroup':
        req.log({ kind: 'endgroup', text: '' });
        return;
      case 'debug':
        req.log({ kind: 'debug', text: req.masker.mask(command.data) });
        return;
      case 'error':
      case 'warning':
      case 'notice': {
        const p = command.properties;
        const message = req.masker.mask(command.data);
        const num = (v: string | undefined) => (v === undefined || v === '' || Number.isNaN(Number(v)) ? undefined : Number(v));
        const annotation: Annotation = { level: command.name, message, title: p.title, file: p.file, line: num(p.line), endLine: num(p.endLine), col: num(p.col), endColumn: num(p.endColumn) };
        annotations.push(annotation);
        req.log({ kind: command.name, text: message, annotation });
        return;
      }
      case 'set-output':
        if (command.properties.name) outputs[command.properties.name] = command.data;
        return;
      case 'save-state':
        if (command.properties.name) state[command.properties.name] = command.data;
        return;
      case 'set-env':
      case 'add-path':
        if (!req.allowUnsecureCommands) {
          req.log({ kind: 'error', text: `The \`${command.name}\` command is disabled. Use GITHUB_ENV / GITHUB_PATH files, or set ACTIONS_ALLOW_UNSECURE_COMMANDS to true.` });
          return;
        }
        if (command.name === 'set-env' && command.properties.name) env[command.properties.name] = command.data;
        else path.push(command.data);
        return;
      default:
        req.log({ kind: 'output', text: req.masker.mask(raw) });
    }
  };

  const result = await runProcess({
    command: req.command,
    args: req.args,
    cwd: req.cwd,
    env: { ...req.env, ...files },
    onLine,
    timeoutMs: req.timeoutMs,
    signal: req.signal,
  });

  const written = { output: take(files.GITHUB_OUTPUT), state: take(files.GITHUB_STATE), env: take(files.GITHUB_ENV), path: take(files.GITHUB_PATH), summary: take(files.GITHUB_STEP_SUMMARY) };
  let fileCommandError: string | undefined;
  try {
    Object.assign(outputs, parseKeyValueFile(written.output, 'GITHUB_OUTPUT'));
    Object.assign(state, parseKeyValueFile(written.state, 'GITHUB_STATE'));
    for (const [k, v] of Object.entries(parseKeyValueFile(written.env, 'GITHUB_ENV'))) {
      if (BLOCKED_ENV.has(k)) req.log({ kind: 'warning', text: `Can't store ${k} in GITHUB_ENV: it is blocked for security.` });
      else env[k] = v;
    }
    path.push(...parsePathFile(written.path));
  } catch (e) {
    if (!(e instanceof NexusError)) throw e;
    fileCommandError = e.message;
  }
  const summary = req.masker.mask(written.summary);
  return { exitCode: result.exitCode, terminated: result.terminated, spawnError: result.spawnError, outputs, env, path, state, summary, annotations, fileCommandError };
}
