/**
 * A scan of a folder for committed secrets: cloud keys, private keys, tokens, webhook URLs and
 * credentials assigned in configuration. Findings name the rule and the place, never the value.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Finding, SarifLevel } from './sarif.js';

export interface SecretRule {
  id: string;
  description: string;
  level: SarifLevel;
  pattern: RegExp;
}

export const SECRET_RULES: SecretRule[] = [
  { id: 'aws-access-key-id', description: 'AWS access key ID', level: 'error', pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/ },
  { id: 'aws-secret-access-key', description: 'AWS secret access key', level: 'error', pattern: /aws_?secret_?access_?key\s*[:=]\s*["']?[A-Za-z0-9/+=]{40}\b/i },
  { id: 'private-key', description: 'Private key', level: 'error', pattern: /-----BEGIN (?:RSA |EC |DSA |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY( BLOCK)?-----/ },
  { id: 'github-token', description: 'GitHub token', level: 'error', pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{60,})\b/ },
  { id: 'slack-token', description: 'Slack token', level: 'error', pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/ },
  { id: 'slack-webhook', description: 'Slack webhook URL', level: 'error', pattern: /https:\/\/hooks\.slack\.com\/services\/T[A-Za-z0-9_]+\/B[A-Za-z0-9_]+\/[A-Za-z0-9_]+/ },
  { id: 'google-api-key', description: 'Google API key', level: 'error', pattern: /\bAIza[0-9A-Za-z_-]{35}\b/ },
  { id: 'stripe-secret-key', description: 'Stripe secret key', level: 'error', pattern: /\b[rs]k_live_[0-9A-Za-z]{20,}\b/ },
  { id: 'npm-token', description: 'npm access token', level: 'error', pattern: /\bnpm_[A-Za-z0-9]{36}\b/ },
  { id: 'generic-credential', description: 'Credential assigned in source', level: 'warning', pattern: /\b(?:api[_-]?key|secret|token|passwd|password)["']?\s*[:=]\s*["'][^"'\s$]{16,}["']/i },
];

const SKIP_DIRS = new Set(['.git', 'node_modules', '.nexus']);
const MAX_FILE_BYTES = 1024 * 1024;

export function scanForSecrets(root: string, rules: SecretRule[] = SECRET_RULES): Finding[] {
  const findings: Finding[] = [];
  const visit = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, e.name);
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name)) visit(path);
        continue;
      }
      if (!e.isFile() || statSync(path).size > MAX_FILE_BYTES) continue;
      const buf = readFileSync(path);
      if (buf.subarray(0, 8000).includes(0)) continue;
      const lines = buf.toString('utf8').split('\n');
      lines.forEach((text, i) => {
        for (const rule of rules) {
          if (rule.pattern.test(text)) findings.push({ ruleId: rule.id, level: rule.level, message: `${rule.description} found`, file: relative(root, path), line: i + 1 });
        }
      });
    }
  };
  visit(root);
  return findings;
}
