/**
 * Loads a workflow file with GitHub's own parser (schema validation, `needs` checks, implicit
 * `success()`), then reads the fields its converter drops from the raw token tree.
 */
import { readFile } from 'node:fs/promises';
import { parseWorkflow, convertWorkflowTemplate, NoOperationTraceWriter } from '@actions/workflow-parser';
import { ErrorPolicy } from '@actions/workflow-parser/model/convert';
import type { Job, ReusableWorkflowJob, Step } from '@actions/workflow-parser/model/workflow-template';
import { NexusError, type Diagnostic } from '../errors.js';
import type { JobDef, StepDef, WorkflowDef } from './model.js';
import { registerSource, type MappingToken, type TemplateToken } from './template.js';
import { validateWorkflow } from './validate.js';
import { TokenType } from '@actions/workflow-parser/templates/tokens/types';

export interface LoadResult {
  workflow?: WorkflowDef;
  diagnostics: Diagnostic[];
}

const POSITIONED = /^(?:.*?) \(Line: (\d+), Col: (\d+)\): ([\s\S]*)$/;

/** Parses and validates workflow text; `workflow` is set only when there are no diagnostics. */
export async function loadWorkflowSource(file: string, source: string): Promise<LoadResult> {
  const parsed = parseWorkflow({ name: file, content: source }, new NoOperationTraceWriter());
  const root = parsed.value;
  if (!root) return { diagnostics: parsed.context.errors.getErrors().map((e) => yamlDiagnostic(file, e.message)) };

  const converted = await convertWorkflowTemplate(parsed.context, root, undefined, { errorPolicy: ErrorPolicy.TryConversion });
  const diagnostics = dedupe((converted.errors ?? []).map((e) => positioned(file, e.Message)));
  if (diagnostics.length > 0) return { diagnostics };

  const raw = root as MappingToken;
  const rawJobs = raw.find('jobs') as MappingToken;
  restoreNumberInputs(raw, converted.events);
  const workflow: WorkflowDef = {
    file,
    name: scalar(raw.find('name')) ?? file,
    source,
    events: converted.events,
    runName: raw.find('run-name'),
    env: raw.find('env'),
    defaults: raw.find('defaults'),
    concurrency: raw.find('concurrency'),
    jobs: converted.jobs.map((job) => toJobDef(job, rawJobs.find(job.id.value) as MappingToken)),
  };
  const more = validateWorkflow(workflow, raw);
  if (more.length > 0) return { diagnostics: more };
  registerSource(raw, file);
  registerSource(workflow.jobs, file);
  return { workflow, diagnostics: [] };
}

/** Reads and loads a workflow file; an unreadable file is a diagnostic, not a crash. */
export async function loadWorkflowFile(path: string, displayPath = path): Promise<LoadResult> {
  let source: string;
  try {
    source = await readFile(path, 'utf8');
  } catch (e) {
    return { diagnostics: [{ file: displayPath, code: 'READ', message: `cannot read workflow: ${(e as NodeJS.ErrnoException).code ?? String(e)}` }] };
  }
  return loadWorkflowSource(displayPath, source);
}

/** Like loadWorkflowSource, but a workflow with problems is a NexusError (exit 2) carrying them. */
export async function requireWorkflow(file: string, source: string): Promise<WorkflowDef> {
  const { workflow, diagnostics } = await loadWorkflowSource(file, source);
  if (!workflow) throw new NexusError('INVALID_WORKFLOW', '', { diagnostics, exitCode: 2 });
  return workflow;
}

function toJobDef(job: Job | ReusableWorkflowJob, raw: MappingToken): JobDef {
  const common = {
    id: job.id.value,
    name: job.name,
    needs: (job.needs ?? []).map((n) => n.value),
    if: job.if.expression,
    strategy: job.strategy,
    outputs: job.outputs,
    concurrency: job.concurrency,
    timeoutMinutes: raw.find('timeout-minutes'),
    continueOnError: raw.find('continue-on-error'),
    position: { line: raw.line ?? 1, col: raw.col ?? 1 },
  };
  if (job.type === 'reusableWorkflowJob') {
    const secrets = raw.find('secrets');
    return {
      ...common,
      steps: [],
      uses: job.ref.value,
      with: raw.find('with'),
      secrets: job['inherit-secrets'] ? 'inherit' : secrets,
    };
  }
  const rawSteps = [...((raw.find('steps') as Iterable<TemplateToken> | undefined) ?? [])] as MappingToken[];
  return {
    ...common,
    runsOn: job['runs-on'],
    env: job.env,
    environment: job.environment,
    defaults: raw.find('defaults'),
    container: job.container,
    services: job.services,
    steps: job.steps.map((step, index) => toStepDef(step, index, rawSteps[index])),
  };
}

/** A converted step plus the fields GitHub's converter drops; shared with composite actions' steps. */
export function toStepDef(step: Step, index: number, raw: MappingToken): StepDef {
  const s = step as Step & { if?: { expression: string }; uses?: { value: string } | string; run?: TemplateToken; env?: TemplateToken };
  const uses = typeof s.uses === 'string' ? s.uses : s.uses?.value;
  return {
    index,
    id: step.id || `__${uses ? 'uses' : 'run'}_${index}`,
    idGenerated: raw.find('id') === undefined,
    name: step.name,
    if: s.if?.expression ?? 'success()',
    uses,
    run: s.run,
    with: raw.find('with'),
    env: s.env,
    shell: raw.find('shell'),
    workingDirectory: raw.find('working-directory'),
    timeoutMinutes: raw.find('timeout-minutes'),
    continueOnError: raw.find('continue-on-error'),
    position: { line: raw.line ?? 1, col: raw.col ?? 1 },
  };
}

/**
 * The converter's input types lack `number` (valid in GitHub's schema): such an input loses its
 * type and default. Both are read back from the raw tokens.
 */
function restoreNumberInputs(root: MappingToken, events: WorkflowDef['events']): void {
  const inputs = events.workflow_dispatch?.inputs;
  const on = root.find('on');
  if (!inputs || on?.templateTokenType !== TokenType.Mapping) return;
  const dispatch = (on as MappingToken).find('workflow_dispatch');
  const rawInputs = dispatch?.templateTokenType === TokenType.Mapping ? (dispatch as MappingToken).find('inputs') : undefined;
  if (rawInputs?.templateTokenType !== TokenType.Mapping) return;
  for (const { key, value } of rawInputs as MappingToken) {
    if (value.templateTokenType !== TokenType.Mapping || scalar((value as MappingToken).find('type')) !== 'number') continue;
    const input = inputs[scalar(key) ?? ''] as { type?: string; default?: unknown } | undefined;
    if (!input) continue;
    input.type = 'number';
    const def = (value as MappingToken).find('default');
    if (def && 'value' in def) input.default = (def as { value: unknown }).value;
  }
}

function scalar(token: TemplateToken | undefined): string | undefined {
  return token && 'value' in token ? String((token as { value: unknown }).value) : undefined;
}

/** The parser's `file (Line: n, Col: m): text` messages as diagnostics; shared with action.yml loading. */
export function positioned(file: string, message: string, code = 'SCHEMA'): Diagnostic {
  const m = POSITIONED.exec(message);
  if (!m) return { file, code, message: message.startsWith(file + ': ') ? message.slice(file.length + 2) : message };
  return { file, line: Number(m[1]), col: Number(m[2]), code, message: m[3] };
}

/** YAML syntax errors come as `file: text at line L, column C:` from the yaml package. */
function yamlDiagnostic(file: string, message: string): Diagnostic {
  const text = message.startsWith(file + ': ') ? message.slice(file.length + 2) : message;
  const m = /at line (\d+), column (\d+)/.exec(text);
  const first = text.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  return m ? { file, line: Number(m[1]), col: Number(m[2]), code: 'YAML', message: first } : { file, code: 'YAML', message: first };
}

function dedupe(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.line}:${d.col}:${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
