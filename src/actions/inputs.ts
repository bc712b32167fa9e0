/** An action's inputs as the runner gives them: `with:` values over action.yml defaults, with its warnings. */
import type { ActionInputDefinition } from '@actions/workflow-parser/actions/index';
import type { ExpressionScope } from '../workflow/expressions.js';
import { evaluateString } from '../workflow/template.js';

export interface ResolvedInputs {
  values: Record<string, string>;
  warnings: string[];
}

export function resolveInputs(definitions: ActionInputDefinition[], given: Record<string, string>, scope: ExpressionScope, label: string): ResolvedInputs {
  const values: Record<string, string> = {};
  const warnings: string[] = [];
  const byLower = new Map(definitions.map((d) => [d.id.toLowerCase(), d]));
  for (const [name, value] of Object.entries(given)) {
    const def = byLower.get(name.toLowerCase());
    if (!def) warnings.push(`Unexpected input(s) '${name}', valid inputs are ['${definitions.map((d) => d.id).join("', '")}']`);
    else if (def.deprecationMessage) warnings.push(`Input '${def.id}' has been deprecated with message: ${def.deprecationMessage}`);
    values[def?.id ?? name] = value;
  }
  for (const def of definitions) {
    if (def.id in values) continue;
    if (def.default !== undefined) values[def.id] = evaluateString(def.default, scope);
    else if (def.required) warnings.push(`Input required and not supplied: ${def.id} (${label})`);
  }
  return { values, warnings };
}

/** `INPUT_WHO-TO_GREET` for `who-to greet`: upper case, spaces to `_`, hyphens kept (as the runner does). */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

export function inputEnvironment(values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [inputVariable(k), v]));
}
