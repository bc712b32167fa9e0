/**
 * The stdout side of the runner protocol: `::name k=v,k=v::data` lines written by steps
 * (and by @actions/core), unescaped exactly as the runner does.
 */
export interface WorkflowCommand {
  name: string;
  properties: Record<string, string>;
  data: string;
}

const COMMAND = /^\s*::([A-Za-z][\w-]*)(?:\s+([^:]*))?::(.*)$/;

export function parseWorkflowCommand(line: string): WorkflowCommand | undefined {
  const m = COMMAND.exec(line);
  if (!m) return undefined;
  const properties: Record<string, string> = {};
  for (const part of (m[2] ?? '').split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) properties[part.slice(0, eq).trim()] = unescapeProperty(part.slice(eq + 1));
  }
  return { name: m[1], properties, data: unescapeData(m[3]) };
}

export function unescapeData(s: string): string {
  return s.replace(/%0D/gi, '\r').replace(/%0A/gi, '\n').replace(/%25/g, '%');
}

function unescapeProperty(s: string): string {
  return s.replace(/%0D/gi, '\r').replace(/%0A/gi, '\n').replace(/%3A/gi, ':').replace(/%2C/gi, ',').replace(/%25/g, '%');
}
