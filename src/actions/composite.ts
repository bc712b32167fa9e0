/**
 * Composite actions: the nested steps run in order with their own `if`, `shell`,
 * `working-directory`, `env` and `continue-on-error`; `inputs` and `steps` are the action's own;
 * nested `uses:` run their pre and main in place and their post steps in the composite's post.
 */
import { NexusError } from '../errors.js';
import type { ActionStepContext, ActionStepOutcome, PreparedAction } from '../engine/action-host.js';
import type { Annotation } from '../engine/results.js';
import type { ExpressionScope } from '../workflow/expressions.js';
import type { StepDef } from '../workflow/model.js';
import { evaluateString, evaluateStringMap, evaluateToken } from '../workflow/template.js';
import { actionEnvironment, actionGithubContext, type ActionIdentity } from './identity.js';
import type { ActionManifest } from './manifest.js';
import { runScript } from './script.js';

type Conclusion = 'success' | 'failure' | 'skipped';

interface NestedPost {
  action: PreparedAction;
  ctx: (outer: ActionStepContext) => ActionStepContext;
}

export class CompositeRun {
  private readonly posts: NestedPost[] = [];

  constructor(
    private readonly manifest: ActionManifest,
    private readonly id: ActionIdentity,
    /** The nested `uses:` steps, prepared with the composite (by step index). */
    private readonly nested: Map<number, PreparedAction>,
  ) {}

  get hasPost(): boolean {
    return [...this.nested.values()].some((a) => a.post);
  }

  async main(ctx: ActionStepContext, inputs: Record<string, string>): Promise<ActionStepOutcome> {
    const steps: Record<string, { outputs: Record<string, string>; outcome: Conclusion; conclusion: Conclusion }> = {};
    const addedEnv: Record<string, string> = {};
    const addedPath: string[] = [];
    const summaries: string[] = [];
    const annotations: Annotation[] = [];
    let failed = false;
    const github = actionGithubContext(ctx, this.id);
    const outerEnv = ctx.scope.contexts.env as Record<string, string>;
    const host = { ...ctx.scope.host, success: () => !failed && ctx.scope.host.success(), failure: () => failed || ctx.scope.host.failure() };
    const scopeFor = (stepEnv: Record<string, string>): ExpressionScope =>
      ctx.scope.with({ inputs, steps, github, env: { ...outerEnv, ...addedEnv, ...stepEnv } }, host);

    for (const step of this.manifest.steps ?? []) {
      let outcome: ActionStepOutcome;
      let continueOnError = false;
      try {
        if (!scopeFor({}).evaluateBoolean(step.if)) {
          steps[step.id] = { outputs: {}, outcome: 'skipped', conclusion: 'skipped' };
          continue;
        }
        const stepEnv = evaluateStringMap(step.env, scopeFor({}));
        const scope = scopeFor(stepEnv);
        continueOnError = step.continueOnError ? [true, 'true'].includes(evaluateToken(step.continueOnError, scope) as never) : false;
        const env: Record<string, string> = { ...ctx.env, ...addedEnv, ...stepEnv, ...actionEnvironment(ctx, this.id) };
        if (addedPath.length) env.PATH = [...addedPath, env.PATH ?? ''].join(':');
        outcome = step.run ? await this.runStep(ctx, step, scope, env) : await this.usesStep(ctx, step, scope, env);
      } catch (e) {
        if (!(e instanceof NexusError)) throw e;
        outcome = { outcome: 'failure', error: e.message };
      }
      Object.assign(addedEnv, outcome.env ?? {});
      if (outcome.path?.length) addedPath.unshift(...[...outcome.path].reverse());
      if (outcome.summary) summaries.push(outcome.summary);
      annotations.push(...(outcome.annotations ?? []));
      if (outcome.outcome === 'failure' && outcome.error) ctx.log({ kind: 'error', text: ctx.masker.mask(outcome.error) });
      const conclusion = outcome.outcome === 'failure' && continueOnError ? 'success' : outcome.outcome;
      steps[step.id] = { outputs: outcome.outputs ?? {}, outcome: outcome.outcome, conclusion };
      if (conclusion === 'failure') failed = true;
    }
    let outputs: Record<string, string> = {};
    try {
      const scope = scopeFor({});
      outputs = Object.fromEntries(this.manifest.outputs.map((o) => [o.id, o.value ? evaluateString(o.value, scope) : '']));
    } catch (e) {
      if (!(e instanceof NexusError)) throw e;
      failed = true;
      ctx.log({ kind: 'error', text: ctx.masker.mask(`outputs of ${this.manifest.file}: ${e.message}`) });
    }
    // Each failing nested step has logged its own error; the composite adds none of its own.
    return { outcome: failed ? 'failure' : 'success', outputs, env: addedEnv, path: addedPath, summary: summaries.join('\n'), annotations };
  }

  /** The nested actions' post steps, in reverse order. */
  async post(ctx: ActionStepContext): Promise<ActionStepOutcome> {
    let failure: string | undefined;
    for (const post of [...this.posts].reverse()) {
      const nested = post.ctx(ctx);
      if (!nested.scope.evaluateBoolean(post.action.postIf ?? 'always()')) continue;
      const outcome = await post.action.post!(nested);
      if (outcome.outcome === 'failure') failure ??= outcome.error ?? 'a post step failed';
    }
    return failure ? { outcome: 'failure', error: failure } : { outcome: 'success' };
  }

  private runStep(ctx: ActionStepContext, step: StepDef, scope: ExpressionScope, env: Record<string, string>): Promise<ActionStepOutcome> {
    if (!step.shell) throw new NexusError('ACTION_MANIFEST', `${this.manifest.file}:${step.position.line}:${step.position.col}: a composite 'run' step needs 'shell'`);
    return runScript(ctx, {
      script: evaluateString(step.run!, scope),
      shell: evaluateString(step.shell, scope),
      workingDirectory: step.workingDirectory ? evaluateString(step.workingDirectory, scope) : undefined,
      env,
    });
  }

  private async usesStep(ctx: ActionStepContext, step: StepDef, scope: ExpressionScope, env: Record<string, string>): Promise<ActionStepOutcome> {
    const action = this.nested.get(step.index)!;
    const inputs = evaluateStringMap(step.with, scope);
    const nestedCtx = (outer: ActionStepContext, state: Record<string, string>): ActionStepContext => ({ ...outer, step, inputs, env, scope, state });
    let state: Record<string, string> = {};
    if (action.post) this.posts.push({ action, ctx: (outer) => nestedCtx(outer, state) });
    if (action.pre && scope.evaluateBoolean(action.preIf ?? 'always()')) {
      const pre = await action.pre(nestedCtx(ctx, {}));
      state = { ...state, ...pre.state };
      if (pre.outcome === 'failure') return pre;
    }
    const main = await action.main(nestedCtx(ctx, state));
    state = { ...state, ...main.state };
    return main;
  }
}
