/** dotenv files for `--secret-file`, `--var-file` and `--env-file`: `NAME=VALUE`, quotes, comments. */
import { readFileSync } from 'node:fs';
import { NexusError } from '../errors.js';

/** With `scoped`, a name may carry an environment prefix (`production:NAME`), as secret files allow. */
export function parseDotenv(text: string, file: string, scoped = false): Record<string, string> {
  const entry = new RegExp(`^(?:export\\s+)?(${scoped ? '(?:[A-Za-z0-9_.-]+:)?' : ''}[A-Za-z_][A-Za-z0-9_.-]*)\\s*=\\s*(.*)$`);
  const out: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line || line.startsWith('#')) continue;
    const m = entry.exec(line);
    if (!m) throw new NexusError('DOTENV', `${file}:${i + 1}:1: expected NAME=VALUE`, { exitCode: 2 });
    let value = m[2];
    const quote = value[0];
    if (quote === '"' || quote === "'") {
      // A quoted value may span lines until its closing quote.
      let body = value.slice(1);
      let j = i;
      while (!endsWithQuote(body, quote)) {
        if (++j >= lines.length) throw new NexusError('DOTENV', `${file}:${i + 1}:${line.indexOf(quote) + 1}: unterminated ${quote} quote`, { exitCode: 2 });
        body += '\n' + lines[j];
      }
      i = j;
      value = body.replace(/\s*$/, '').slice(0, -1);
      if (quote === '"') value = value.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
    } else value = value.replace(/\s+#.*$/, '').trim();
    out[m[1]] = value;
  }
  return out;
}

function endsWithQuote(body: string, quote: string): boolean {
  const t = body.replace(/\s*$/, '');
  return t.endsWith(quote) && !t.endsWith('\\' + quote);
}

export function readDotenv(file: string, scoped = false): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new NexusError('DOTENV', `${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`, { exitCode: 2 });
  }
  return parseDotenv(text, file, scoped);
}
