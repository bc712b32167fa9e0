/**
 * The workflow model the planner and engine work from. Anything that may hold `${{ }}` stays a
 * template token, evaluated when its contexts exist; the rest is plain data.
 */
import type { EventsConfig } from '@actions/workflow-parser/model/workflow-template';
import type { TemplateToken } from './template.js';

export type { EventsConfig };

export interface Position {
  line: number;
  col: number;
}

export interface WorkflowDef {
  /** The path shown to users (relative to the repository when possible). */
  file: string;
  /** `name:` or, as GitHub does, the file path when absent. */
  name: string;
  source: string;
  events: EventsConfig;
  runName?: TemplateToken;
  env?: TemplateToken;
  defaults?: TemplateToken;
  concurrency?: TemplateToken;
  jobs: JobDef[];
}

export interface JobDef {
  id: string;
  name?: TemplateToken;
  needs: string[];
  /** The condition as an expression, with GitHub's implicit `success() &&` already applied. */
  if: string;
  strategy?: TemplateToken;
  runsOn?: TemplateToken;
  env?: TemplateToken;
  environment?: TemplateToken;
  outputs?: TemplateToken;
  timeoutMinutes?: TemplateToken;
  continueOnError?: TemplateToken;
  defaults?: TemplateToken;
  concurrency?: TemplateToken;
  container?: TemplateToken;
  services?: TemplateToken;
  steps: StepDef[];
  /** A reusable workflow call (`jobs.<id>.uses`). */
  uses?: string;
  with?: TemplateToken;
  secrets?: TemplateToken | 'inherit';
  position: Position;
}

export interface StepDef {
  index: number;
  /** The step id; generated (`__run_2`) when the workflow gives none. */
  id: string;
  idGenerated: boolean;
  name?: TemplateToken;
  if: string;
  uses?: string;
  run?: TemplateToken;
  with?: TemplateToken;
  env?: TemplateToken;
  shell?: TemplateToken;
  workingDirectory?: TemplateToken;
  timeoutMinutes?: TemplateToken;
  continueOnError?: TemplateToken;
  position: Position;
}
