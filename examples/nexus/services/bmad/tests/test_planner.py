import pytest

from planner import MAX_GOAL_LENGTH, PlanError, make_plan


def test_method_track_walks_all_four_phases_in_order():
    plan = make_plan("Build a meeting assistant")
    assert [phase["name"] for phase in plan["phases"]] == ["analysis", "planning", "solutioning", "implementation"]
    assert [phase["agent"] for phase in plan["phases"]] == ["analyst", "pm", "architect", "dev"]
    assert plan["phases"][0]["tasks"][0] == "Research the problem space: Build a meeting assistant"


def test_quick_track_skips_analysis_and_architecture():
    plan = make_plan("Fix the login typo", track="quick")
    assert [phase["name"] for phase in plan["phases"]] == ["planning", "implementation"]


def test_goal_is_trimmed():
    assert make_plan("  Ship it  ")["goal"] == "Ship it"


@pytest.mark.parametrize("goal", ["", "   ", None, 42, "x" * (MAX_GOAL_LENGTH + 1)])
def test_bad_goals_are_rejected_with_the_field_named(goal):
    with pytest.raises(PlanError) as raised:
        make_plan(goal)
    assert raised.value.loc == "goal"


def test_unknown_track_is_rejected():
    with pytest.raises(PlanError, match="track must be one of: method, quick"):
        make_plan("Ship it", track="waterfall")
