/** Reading and writing SARIF 2.1.0, the format code scanners share. */
export type SarifLevel = 'error' | 'warning' | 'note' | 'none';

export interface Finding {
  ruleId: string;
  level: SarifLevel;
  message: string;
  file?: string;
  line?: number;
}

interface SarifLog {
  runs?: {
    tool?: { driver?: { name?: string; rules?: { id: string; defaultConfiguration?: { level?: SarifLevel } }[] } };
    results?: {
      ruleId?: string;
      level?: SarifLevel;
      message?: { text?: string };
      locations?: { physicalLocation?: { artifactLocation?: { uri?: string }; region?: { startLine?: number } } }[];
    }[];
  }[];
}

export function readFindings(text: string): Finding[] {
  const log = JSON.parse(text) as SarifLog;
  if (!Array.isArray(log.runs)) throw new Error('not a SARIF log: no "runs" array');
  return log.runs.flatMap((run) => {
    const defaults = new Map((run.tool?.driver?.rules ?? []).map((r) => [r.id, r.defaultConfiguration?.level]));
    return (run.results ?? []).map((r) => {
      const loc = r.locations?.[0]?.physicalLocation;
      const ruleId = r.ruleId ?? 'unknown';
      return { ruleId, level: r.level ?? defaults.get(ruleId) ?? 'warning', message: r.message?.text ?? '', file: loc?.artifactLocation?.uri, line: loc?.region?.startLine };
    });
  });
}

export function writeSarif(tool: string, rules: { id: string; description: string; level: SarifLevel }[], findings: Finding[]): string {
  return JSON.stringify({
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: tool, rules: rules.map((r) => ({ id: r.id, shortDescription: { text: r.description }, defaultConfiguration: { level: r.level } })) } },
      results: findings.map((f) => ({
        ruleId: f.ruleId,
        level: f.level,
        message: { text: f.message },
        locations: f.file ? [{ physicalLocation: { artifactLocation: { uri: f.file }, region: f.line ? { startLine: f.line } : undefined } }] : [],
      })),
    }],
  }, null, 2) + '\n';
}
