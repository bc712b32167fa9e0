/** GitHub's shells: how a `run:` script is written to a file and which command runs it. */
import { NexusError } from '../errors.js';

export interface ShellCommand {
  command: string;
  args: string[];
  extension: string;
}

const TEMPLATES: Record<string, { template: string; extension: string }> = {
  bash: { template: 'bash --noprofile --norc -eo pipefail {0}', extension: '.sh' },
  sh: { template: 'sh -e {0}', extension: '.sh' },
  python: { template: 'python {0}', extension: '.py' },
  pwsh: { template: 'pwsh -command ". \'{0}\'"', extension: '.ps1' },
  powershell: { template: 'pwsh -command ". \'{0}\'"', extension: '.ps1' },
  node: { template: 'node {0}', extension: '.js' },
};

/** Unspecified shell on Linux: `bash -e {0}` (GitHub falls back to `sh -e {0}` without bash). */
const DEFAULT_TEMPLATE = 'bash -e {0}';

export function resolveShell(shell: string | undefined, scriptPath: string): ShellCommand {
  const known = shell ? TEMPLATES[shell] : undefined;
  const template = !shell ? DEFAULT_TEMPLATE : known ? known.template : shell;
  if (!template.includes('{0}')) {
    throw new NexusError('SHELL', `shell '${shell}' is not one of ${Object.keys(TEMPLATES).join(', ')} and has no {0} placeholder for the script`);
  }
  const parts = splitCommandLine(template.trim());
  const [command, ...args] = parts.map((p) => p.replaceAll('{0}', scriptPath));
  return { command, args, extension: known?.extension ?? (!shell ? '.sh' : '') };
}

/** Splits a command template on white space, honouring double and single quotes. */
function splitCommandLine(line: string): string[] {
  const out: string[] = [];
  let current = '';
  let quote: string | null = null;
  let started = false;
  for (const c of line) {
    if (quote) {
      if (c === quote) quote = null;
      else current += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      started = true;
    } else if (/\s/.test(c)) {
      if (started || current) out.push(current);
      current = '';
      started = false;
    } else current += c;
  }
  if (started || current) out.push(current);
  return out;
}
