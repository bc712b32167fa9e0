"""BMAD planning: turns a goal into the method's phases, each owned by one agent."""

AGENTS = {
    "analyst": "Mary, Business Analyst: researches the problem and writes the brief",
    "pm": "John, Product Manager: turns the brief into a PRD with epics and stories",
    "architect": "Winston, Architect: designs the solution the stories build on",
    "sm": "Bob, Scrum Master: slices stories into ready-to-build tasks",
    "dev": "Amelia, Developer: implements a story test first",
    "qa": "Quinn, Test Architect: reviews risk and verifies the story",
}

# The quick track skips analysis and architecture for small changes, as the method allows.
TRACKS = {
    "method": [
        ("analysis", "analyst", ["Research the problem space", "Write the project brief"]),
        ("planning", "pm", ["Write the PRD", "Split the PRD into epics and stories"]),
        ("solutioning", "architect", ["Design the architecture", "Check the stories against it"]),
        ("implementation", "dev", ["Implement story by story", "Review each story with QA"]),
    ],
    "quick": [
        ("planning", "pm", ["Write a tech spec"]),
        ("implementation", "dev", ["Implement the change", "Review the change with QA"]),
    ],
}

MAX_GOAL_LENGTH = 500


class PlanError(ValueError):
    """A request the planner cannot accept; `loc` names the offending field like FastAPI does."""

    def __init__(self, loc, msg):
        super().__init__(msg)
        self.loc = loc
        self.msg = msg


def make_plan(goal, track="method"):
    if not isinstance(goal, str) or not goal.strip():
        raise PlanError("goal", "goal must be a non-empty string")
    goal = goal.strip()
    if len(goal) > MAX_GOAL_LENGTH:
        raise PlanError("goal", f"goal must be at most {MAX_GOAL_LENGTH} characters")
    if track not in TRACKS:
        raise PlanError("track", f"track must be one of: {', '.join(sorted(TRACKS))}")
    phases = [
        {"name": name, "agent": agent, "tasks": [f"{task}: {goal}" for task in tasks]}
        for name, agent, tasks in TRACKS[track]
    ]
    return {"goal": goal, "track": track, "phases": phases}
