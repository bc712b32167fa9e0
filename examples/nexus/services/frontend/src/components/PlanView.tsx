import type { Plan } from "../api";

export function PlanView({ plan }: { plan: Plan }) {
  return (
    <ol aria-label="plan">
      {plan.phases.map((phase) => (
        <li key={phase.name}>
          <strong>{phase.name}</strong> <em>({phase.agent})</em>
          <ul>
            {phase.tasks.map((task) => (
              <li key={task}>{task}</li>
            ))}
          </ul>
        </li>
      ))}
    </ol>
  );
}
