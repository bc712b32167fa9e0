/** The shapes of the API answers the CLI reads (docs/api.md), so client code is typed end to end. */
import type { Job, Project, Run } from '../store/types.js';

export type RunView = Run & { project?: string };
export type JobView = Job & { billableMinutes?: number | null; waitingReason?: string | null };

export interface ProjectList { projects: Project[] }
export interface CreatedProject { gitUrl: string }
export interface RunList { runs: RunView[] }
export interface RunDetail { run: RunView; jobs: JobView[] }
export interface RunAnswer { run: RunView }
export interface SecretList { secrets: { name: string; environment: string | null; updatedAt: number }[] }
export interface VariableList { variables: { name: string; environment: string; value: string; updatedAt: number }[] }
export interface ApiErrorBody { error?: { message?: string } }
