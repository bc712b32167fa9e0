/** Finding and loading the workflows a command is pointed at (`-W FILE|DIR`). */
import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { NexusError, type Diagnostic } from '../errors.js';
import { loadWorkflowFile } from '../workflow/load.js';
import type { WorkflowDef } from '../workflow/model.js';

export function workflowPaths(root: string, cwd: string, given?: string): string[] {
  const target = given ? resolve(cwd, given) : join(root, '.github/workflows');
  let stat;
  try {
    stat = statSync(target);
  } catch {
    throw new NexusError('NO_WORKFLOWS', `${given ?? (relative(cwd, target) || target)}: no such file or folder`, { exitCode: 2 });
  }
  if (stat.isFile()) return [target];
  const files = readdirSync(target)
    .filter((f) => f.endsWith('.yml') || f.endsWith('.yaml'))
    .sort()
    .map((f) => join(target, f));
  if (files.length === 0) throw new NexusError('NO_WORKFLOWS', `${relative(cwd, target) || target}: no workflow files (*.yml, *.yaml)`, { exitCode: 2 });
  return files;
}

/** Loads every file; all problems of all files are reported together (exit 2). */
export async function loadWorkflows(paths: string[], root: string): Promise<WorkflowDef[]> {
  const results = await Promise.all(paths.map((p) => loadWorkflowFile(p, displayPath(p, root))));
  const diagnostics: Diagnostic[] = results.flatMap((r) => r.diagnostics);
  if (diagnostics.length > 0) throw new NexusError('INVALID_WORKFLOW', '', { diagnostics, exitCode: 2 });
  return results.map((r) => r.workflow!);
}

export function displayPath(path: string, root: string): string {
  const rel = relative(root, path);
  return rel.startsWith('..') ? path : rel;
}
