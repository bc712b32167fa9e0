/** `nexus validate [PATH...]`: every problem as `path:line:col: message`; exit 1 when there is one. */
import { formatDiagnostic, NexusError, type Diagnostic } from '../../errors.js';
import { planCalls } from '../../actions/reusable.js';
import { planWorkflow } from '../../planner/plan.js';
import { repositoryRoot } from '../../environments/data-folder.js';
import { loadWorkflowFile } from '../../workflow/load.js';
import type { Command } from '../command.js';
import { listPlan } from '../plan-listing.js';
import { displayPath, workflowPaths } from '../workflow-files.js';

export const validateCommand: Command = {
  name: 'validate',
  summary: 'Check workflow files against GitHub\'s schema and rules',
  usage: 'nexus validate [PATH...]   (files or folders; default .github/workflows)',
  async run(args, io) {
    const root = repositoryRoot(io.cwd);
    const targets = args.length > 0 ? args : [undefined];
    const files = targets.flatMap((t) => workflowPaths(root, io.cwd, t));
    const diagnostics: Diagnostic[] = [];
    for (const file of files) {
      const shown = displayPath(file, io.cwd);
      const { workflow, diagnostics: found } = await loadWorkflowFile(file, shown);
      diagnostics.push(...found);
      if (!workflow) continue;
      const plan = planWorkflow(workflow);
      try {
        listPlan(plan, {});
      } catch (e) {
        if (!(e instanceof NexusError)) throw e;
        diagnostics.push(...(e.diagnostics.length > 0 ? e.diagnostics : [{ file: shown, code: e.code, message: e.message.replace(`${shown}: `, '') }]));
      }
      // The workflows it calls are read too: GitHub refuses a run whose calls nest too deep.
      diagnostics.push(...(await planCalls(plan, { root, env: io.env })));
    }
    for (const d of diagnostics) io.stdout.write(formatDiagnostic(d) + '\n');
    io.stderr.write(diagnostics.length === 0 ? `${files.length} workflow file(s) valid\n` : `${diagnostics.length} problem(s) in ${new Set(diagnostics.map((d) => d.file)).size} file(s)\n`);
    return diagnostics.length === 0 ? 0 : 1;
  },
};
