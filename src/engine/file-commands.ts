/**
 * The file side of the runner protocol: GITHUB_OUTPUT, GITHUB_ENV and GITHUB_STATE hold
 * `NAME=VALUE` or heredoc `NAME<<DELIM` entries; GITHUB_PATH one directory per line.
 * Grammar and messages follow the runner's EnvFileKeyValuePairs.
 */
import { NexusError } from '../errors.js';

export function parseKeyValueFile(text: string, fileLabel: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  // A trailing newline gives one empty last element, which is not a line.
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, '');
    if (line === '') continue;
    const eq = line.indexOf('=');
    const heredoc = line.indexOf('<<');
    if (eq >= 0 && (heredoc < 0 || eq < heredoc)) {
      const name = line.slice(0, eq);
      if (!name) throw fileError(fileLabel, `Invalid format '${line}'. Name must not be empty`);
      out[name] = line.slice(eq + 1);
      continue;
    }
    if (heredoc < 0) throw fileError(fileLabel, `Invalid format '${line}'`);
    const name = line.slice(0, heredoc);
    const delimiter = line.slice(heredoc + 2);
    if (!name || !delimiter) throw fileError(fileLabel, `Invalid format '${line}'. Name and delimiter must not be empty`);
    const value: string[] = [];
    let closed = false;
    for (i++; i < lines.length; i++) {
      if (lines[i].replace(/\r$/, '') === delimiter) {
        closed = true;
        break;
      }
      value.push(lines[i]);
    }
    if (!closed) throw fileError(fileLabel, `Invalid value. Matching delimiter not found '${delimiter}'`);
    out[name] = value.join('\n');
  }
  return out;
}

export function parsePathFile(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.replace(/\r$/, ''))
    .filter((l) => l.trim() !== '');
}

function fileError(label: string, message: string): NexusError {
  return new NexusError('FILE_COMMAND', `${label}: ${message}`);
}
