/**
 * Checks GitHub enforces at run time but its parser does not report: jobs without steps,
 * empty matrix vectors, and cron lines. Positions point at the offending token.
 */
import type { Diagnostic } from '../errors.js';
import { cronProblem } from './cron.js';
import type { WorkflowDef } from './model.js';
import type { MappingToken, TemplateToken } from './template.js';
import { TokenType } from '@actions/workflow-parser/templates/tokens/types';

export function validateWorkflow(workflow: WorkflowDef, root: MappingToken): Diagnostic[] {
  const out: Diagnostic[] = [];
  const at = (token: TemplateToken | undefined, message: string, code: string) =>
    out.push({ file: workflow.file, line: token?.line, col: token?.col, code, message });

  for (const job of workflow.jobs) {
    if (!job.uses && job.steps.length === 0) out.push({ file: workflow.file, ...job.position, code: 'NO_STEPS', message: `Job '${job.id}' has no steps` });
    const matrix = job.strategy?.templateTokenType === TokenType.Mapping ? (job.strategy as MappingToken).find('matrix') : undefined;
    if (matrix?.templateTokenType === TokenType.Mapping) {
      for (const { key, value } of matrix as MappingToken) {
        const name = 'value' in key ? String(key.value) : '';
        if (name === 'include' || name === 'exclude') continue;
        if (value.templateTokenType === TokenType.Sequence && (value as unknown as { count: number }).count === 0) {
          at(value, `Matrix vector '${name}' of job '${job.id}' does not contain any values`, 'MATRIX');
        }
      }
    }
  }

  const schedules = scheduleTokens(root);
  for (const token of schedules) {
    const problem = cronProblem(String((token as unknown as { value: unknown }).value));
    if (problem) at(token, problem, 'CRON');
  }
  return out;
}

function scheduleTokens(root: MappingToken): TemplateToken[] {
  const on = root.find('on');
  if (on?.templateTokenType !== TokenType.Mapping) return [];
  const schedule = (on as MappingToken).find('schedule');
  if (schedule?.templateTokenType !== TokenType.Sequence) return [];
  const out: TemplateToken[] = [];
  for (const entry of schedule as unknown as Iterable<TemplateToken>) {
    const cron = entry.templateTokenType === TokenType.Mapping ? (entry as MappingToken).find('cron') : undefined;
    if (cron?.templateTokenType === TokenType.String) out.push(cron);
  }
  return out;
}
