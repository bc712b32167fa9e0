/** `workflow_dispatch` inputs: given values checked against the declared types, defaults filled. */
import { NexusError } from '../errors.js';
import type { WorkflowDef } from '../workflow/model.js';

/**
 * `origin` names where a value came from in errors: `--input NAME` unless told otherwise (an event
 * file's `inputs`).
 */
export function dispatchInputs(workflow: WorkflowDef, given: Record<string, string>, origin: (name: string) => string = (name) => `--input ${name}`): Record<string, unknown> {
  const declared = workflow.events.workflow_dispatch?.inputs ?? {};
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(given)) {
    if (!(name in declared)) throw new NexusError('INPUT', `${origin(name)}: ${workflow.file} declares no input '${name}' (inputs: ${Object.keys(declared).join(', ') || 'none'})`, { exitCode: 2 });
  }
  for (const [name, def] of Object.entries(declared)) {
    const raw = given[name] ?? (def.default === undefined ? undefined : String(def.default));
    if (raw === undefined || raw === '') {
      if (def.required) throw new NexusError('INPUT', `${origin(name)}: required by ${workflow.file}`, { exitCode: 2 });
      out[name] = def.type === 'boolean' ? false : '';
      continue;
    }
    switch (def.type) {
      case 'boolean':
        if (raw !== 'true' && raw !== 'false') throw new NexusError('INPUT', `${origin(name)}=${raw}: must be true or false`, { exitCode: 2 });
        out[name] = raw === 'true';
        break;
      case 'choice':
        if (!(def.options ?? []).includes(raw)) throw new NexusError('INPUT', `${origin(name)}=${raw}: must be one of ${(def.options ?? []).join(', ')}`, { exitCode: 2 });
        out[name] = raw;
        break;
      default:
        if ((def.type as string) === 'number') {
          if (raw.trim() === '' || Number.isNaN(Number(raw))) throw new NexusError('INPUT', `${origin(name)}=${raw}: must be a number`, { exitCode: 2 });
          out[name] = Number(raw);
        } else out[name] = raw;
    }
  }
  return out;
}
