/** POSIX cron lines as GitHub's `on.schedule` accepts them: five fields, evaluated in UTC. */
import { CronExpressionParser, type CronExpression } from 'cron-parser';

/** Returns a problem description, or undefined when the line is valid. */
export function cronProblem(line: string): string | undefined {
  const fields = line.trim().split(/\s+/);
  if (fields.length !== 5) return `invalid cron '${line}': expected 5 fields (minute hour day month weekday), got ${fields.length}`;
  try {
    parseCron(line);
    return undefined;
  } catch (e) {
    return `invalid cron '${line}': ${e instanceof Error ? e.message : String(e)}`;
  }
}

export function parseCron(line: string, currentDate?: Date): CronExpression {
  return CronExpressionParser.parse(line, { tz: 'UTC', currentDate, strict: false });
}
