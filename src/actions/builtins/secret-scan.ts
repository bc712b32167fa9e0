/** nexus/secret-scan: scans the workspace for committed secrets and writes SARIF for upload-sarif. */
import { resolve } from 'node:path';
import { writeFileAtomic } from '../../environments/data-folder.js';
import { writeSarif } from '../sarif.js';
import { scanForSecrets, SECRET_RULES } from '../secret-scan.js';
import { booleanInput, failed, say, type Builtin } from './builtin.js';

export const secretScan: Builtin = {
  async main(ctx) {
    const root = resolve(ctx.paths.workspace, ctx.inputs.path?.trim() || '.');
    const output = resolve(ctx.paths.workspace, ctx.inputs.output?.trim() || 'secret-scan.sarif');
    const findings = scanForSecrets(root);
    writeFileAtomic(output, writeSarif('nexus-secret-scan', SECRET_RULES, findings));
    for (const f of findings) ctx.log({ kind: f.level === 'error' ? 'error' : 'warning', text: `${f.file}:${f.line}: ${f.message} (${f.ruleId})` });
    say(ctx, `${findings.length} possible secret(s) found; SARIF written to ${output}`);
    const outputs = { findings: String(findings.length), 'sarif-file': output };
    if (findings.some((f) => f.level === 'error') && booleanInput(ctx, 'fail-on-findings', false)) return failed(`Secrets found in the workspace (${findings.length})`, outputs);
    return { outcome: 'success', outputs, annotations: findings.map((f) => ({ level: f.level === 'error' ? 'error' : 'warning', message: `${f.message} (${f.ruleId})`, file: f.file, line: f.line })) };
  },
};
