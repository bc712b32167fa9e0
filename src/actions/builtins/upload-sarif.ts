/** github/codeql-action/upload-sarif: keeps the SARIF as a run artifact and prints the findings by level and rule. */
import { readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { readdirSync } from 'node:fs';
import type { Annotation } from '../../engine/results.js';
import { readFindings, type Finding } from '../sarif.js';
import { failed, say, type Builtin } from './builtin.js';
import { uploadFiles } from './artifacts.js';

const LEVELS = ['error', 'warning', 'note', 'none'] as const;
const MAX_ANNOTATIONS = 50;

export const uploadSarif: Builtin = {
  async main(ctx) {
    const given = ctx.inputs.sarif_file?.trim() || '../results';
    const path = resolve(ctx.paths.workspace, given);
    let files: string[];
    try {
      files = statSync(path).isDirectory() ? readdirSync(path).filter((f) => f.endsWith('.sarif')).map((f) => join(path, f)) : [path];
    } catch {
      return failed(`Path does not exist: ${given}`);
    }
    if (files.length === 0) return failed(`No SARIF files found to upload in ${given}`);
    const findings: Finding[] = [];
    for (const file of files) {
      try {
        findings.push(...readFindings(readFileSync(file, 'utf8')));
      } catch (e) {
        return failed(`${relative(ctx.paths.workspace, file)}: invalid SARIF: ${(e as Error).message}`);
      }
    }
    const category = ctx.inputs.category?.trim();
    const name = `sarif-${[category, ctx.jobKey, ctx.step.id].filter(Boolean).join('-')}`.replace(/[^A-Za-z0-9._-]+/g, '-');
    uploadFiles(ctx, name, files, { overwrite: true, includeHidden: true });
    say(ctx, `${findings.length} finding(s) in ${files.length} SARIF file(s)${category ? ` (category ${category})` : ''}; kept as run artifact '${name}'`);
    for (const level of LEVELS) {
      const atLevel = findings.filter((f) => f.level === level);
      if (atLevel.length === 0) continue;
      say(ctx, `${level}: ${atLevel.length}`);
      const byRule = new Map<string, Finding[]>();
      for (const f of atLevel) byRule.set(f.ruleId, [...(byRule.get(f.ruleId) ?? []), f]);
      for (const [rule, list] of [...byRule].sort((a, b) => b[1].length - a[1].length)) {
        say(ctx, `  ${rule} (${list.length})`);
        for (const f of list.slice(0, 10)) say(ctx, `    ${f.file ?? '?'}${f.line ? `:${f.line}` : ''} ${f.message.split('\n')[0]}`);
        if (list.length > 10) say(ctx, `    ... and ${list.length - 10} more`);
      }
    }
    const annotations: Annotation[] = findings.filter((f) => f.level === 'error' || f.level === 'warning').slice(0, MAX_ANNOTATIONS).map((f) => ({
      level: f.level === 'error' ? 'error' : 'warning', message: ctx.masker.mask(`${f.ruleId}: ${f.message}`), file: f.file, line: f.line,
    }));
    return { outcome: 'success', outputs: { 'sarif-id': name }, annotations };
  },
};
