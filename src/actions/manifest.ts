/**
 * Loads an action's metadata (action.yml / action.yaml) with GitHub's own parser and schema, and
 * reads the composite step fields its converter drops (`with`, `shell`, `working-directory`) from
 * the raw token tree, as the workflow loader does for workflow steps.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NoOperationTraceWriter } from '@actions/workflow-parser';
import { parseAction, convertActionTemplate, type ActionTemplate, type ActionInputDefinition, type ActionOutputDefinition } from '@actions/workflow-parser/actions/index';
import { ACTION_ROOT } from '@actions/workflow-parser/actions/action-constants';
import { JSONObjectReader } from '@actions/workflow-parser/templates/json-object-reader';
import { TemplateSchema } from '@actions/workflow-parser/templates/schema/index';
import { TemplateContext, TemplateValidationErrors } from '@actions/workflow-parser/templates/template-context';
import { NexusError } from '../errors.js';
import { positioned, toStepDef } from '../workflow/load.js';
import type { StepDef } from '../workflow/model.js';
import type { MappingToken, TemplateToken } from '../workflow/template.js';

export type ActionKind = 'node' | 'composite' | 'docker';

export interface ActionManifest {
  file: string;
  dir: string;
  /** Optional, as for the runner. */
  name?: string;
  inputs: ActionInputDefinition[];
  outputs: ActionOutputDefinition[];
  kind: ActionKind;
  /** node: the `using` and scripts (relative to dir). */
  node?: { using: string; main: string; pre?: string; post?: string; preIf?: string; postIf?: string };
  steps?: StepDef[];
}

let schema: TemplateSchema | undefined;

/**
 * The parser's action schema, relaxed to what GitHub's runner accepts. The parser validates as the
 * Marketplace and the editor do: `name` and `description` required, no other top-level keys, an
 * input's `required` a YAML boolean. The runner's own schema (action_yaml.json in actions/runner)
 * requires none of that, so actions that run on GitHub, such as many without a description, would
 * be refused here. Everything else (runs, using, main, steps, shell) stays as the parser checks it.
 */
function runnerSchema(): TemplateSchema {
  if (!schema) {
    const file = fileURLToPath(new URL('action-v1.0.min.json', import.meta.resolve('@actions/workflow-parser')));
    const json = JSON.parse(readFileSync(file, 'utf8'));
    const root = json.definitions[ACTION_ROOT].mapping;
    for (const name of ['name', 'description']) delete root.properties[name].required;
    root['loose-key-type'] = 'non-empty-string';
    root['loose-value-type'] = 'any';
    json.definitions['input-strict'].mapping.properties.required = 'any';
    schema = TemplateSchema.load(new JSONObjectReader(undefined, JSON.stringify(json)));
  }
  return schema;
}

export function findManifest(dir: string): string | undefined {
  return ['action.yml', 'action.yaml'].map((n) => join(dir, n)).find((f) => existsSync(f));
}

export function loadManifest(dir: string, label: string): ActionManifest {
  const file = findManifest(dir);
  if (!file) throw new NexusError('ACTION_MANIFEST', `${label}: no action.yml or action.yaml in ${dir}`);
  const context = new TemplateContext(new TemplateValidationErrors(), runnerSchema(), new NoOperationTraceWriter());
  const parsed = parseAction({ name: file, content: readFileSync(file, 'utf8') }, context);
  const fail = (messages: string[]) => {
    const diagnostics = messages.map((m) => positioned(file, m, 'ACTION_MANIFEST'));
    const first = diagnostics[0];
    const where = first.line === undefined ? file : `${file}:${first.line}:${first.col}`;
    return new NexusError('ACTION_MANIFEST', `${label}: invalid action metadata at ${where}: ${first.message}${diagnostics.length > 1 ? ` (and ${diagnostics.length - 1} more)` : ''}`, { diagnostics });
  };
  if (!parsed.value || parsed.context.errors.count > 0) throw fail(parsed.context.errors.getErrors().map((e) => e.message));
  const template: ActionTemplate = convertActionTemplate(parsed.context, parsed.value);
  if (parsed.context.errors.count > 0 || !template.runs) throw fail(parsed.context.errors.getErrors().map((e) => e.message));
  const base = { file, dir, name: template.name, inputs: template.inputs ?? [], outputs: template.outputs ?? [] };
  const runs = template.runs;
  if (runs.using === 'composite') {
    const rawSteps = [...(((parsed.value as MappingToken).find('runs') as MappingToken).find('steps') as unknown as Iterable<TemplateToken>)] as MappingToken[];
    return { ...base, kind: 'composite', steps: runs.steps.map((s, i) => toStepDef(s, i, rawSteps[i])) };
  }
  if (runs.using === 'docker') return { ...base, kind: 'docker' };
  return { ...base, kind: 'node', node: { using: runs.using, main: runs.main, pre: runs.pre, post: runs.post, preIf: runs.preIf, postIf: runs.postIf } };
}

