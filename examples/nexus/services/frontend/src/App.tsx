import { useState, type FormEvent } from "react";
import { planGoal, runCode, type Language, type Plan, type RunResult } from "./api";
import { PlanView } from "./components/PlanView";
import { RunOutput } from "./components/RunOutput";

export function App() {
  const [goal, setGoal] = useState("");
  const [plan, setPlan] = useState<Plan | null>(null);
  const [language, setLanguage] = useState<Language>("python");
  const [code, setCode] = useState('print("hello from nexus")');
  const [result, setResult] = useState<RunResult | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function attempt(action: () => Promise<void>) {
    setError(null);
    try {
      await action();
    } catch (failure) {
      setError((failure as Error).message);
    }
  }

  const onPlan = (event: FormEvent) => {
    event.preventDefault();
    void attempt(async () => setPlan(await planGoal(goal)));
  };
  const onRun = (event: FormEvent) => {
    event.preventDefault();
    void attempt(async () => setResult(await runCode(language, code)));
  };

  return (
    <main>
      <h1>Nexus</h1>
      {error && <p role="alert">{error}</p>}
      <form onSubmit={onPlan} aria-label="plan a goal">
        <label>
          Goal <input value={goal} onChange={(event) => setGoal(event.target.value)} />
        </label>
        <button type="submit">Plan</button>
      </form>
      {plan && <PlanView plan={plan} />}
      <form onSubmit={onRun} aria-label="run code">
        <label>
          Language{" "}
          <select value={language} onChange={(event) => setLanguage(event.target.value as Language)}>
            <option value="python">Python</option>
            <option value="javascript">JavaScript</option>
          </select>
        </label>
        <label>
          Code <textarea value={code} onChange={(event) => setCode(event.target.value)} rows={6} />
        </label>
        <button type="submit">Run</button>
      </form>
      {result && <RunOutput result={result} />}
    </main>
  );
}
