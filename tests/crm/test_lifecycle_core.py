"""crm.lifecycle: the one transition-table type both apps use."""

import pytest

from crm.exceptions import InvalidLifeCycleState
from crm.lifecycle import LifeCycle, transition
from jobs.lifecycle import LIFE_CYCLE as JOBS
from servicerequests.lifecycle import LIFE_CYCLE as REQUESTS

TABLE = LifeCycle(
    [
        transition("start", "Start", {"A"}, "B"),
        transition("detour", "Detour", {"B"}, "C", optional=True),
        transition("finish", "Finish", {"B", "C"}, "D"),
        transition("drop", "Drop", {"A"}, "X", forward=False),
        transition("note", "Note", {"B"}, None),
        transition("promote", "Promote", {"A"}, "B", by_update=True),
    ],
    noun="thing",
    param="thing_identifier",
)


def actions(steps):
    return None if steps is None else [t.action for t in steps]


def test_path_walks_forward_and_takes_optional_steps_only_when_asked():
    assert actions(TABLE.path("A", "D")) == ["start", "finish"]
    assert actions(TABLE.path("A", "D", optional=True)) == ["start", "detour", "finish"]
    assert actions(TABLE.path("A", "C")) == ["start", "detour"]  # the target itself
    assert actions(TABLE.path("B", "D", optional=True)) == ["detour", "finish"]


def test_path_takes_a_non_forward_step_only_straight_to_its_target():
    assert actions(TABLE.path("A", "X")) == ["drop"]
    assert TABLE.path("B", "X") is None
    assert TABLE.path("D", "A") is None
    assert TABLE.path("B", "B") == []


def test_path_by_update_keeps_to_update_steps():
    assert actions(TABLE.path("A", "B", by_update=True)) == ["promote"]
    assert TABLE.path("B", "D", by_update=True) is None


def test_check_names_the_record_and_the_parameter():
    assert TABLE.check("start", "A").target == "B"
    with pytest.raises(InvalidLifeCycleState) as refused:
        TABLE.check("start", "B", record="T1")
    assert refused.value.message == "Start is not allowed for T1 in state B."
    assert refused.value.param == "thing_identifier"
    assert refused.value.detail == "start needs one of A"


def test_actions_and_next_states():
    assert [t.action for t in TABLE.actions("B")] == ["detour", "finish", "note"]
    assert TABLE.next_states("B") == {"C", "D"}
    assert TABLE.next_states("B", stays={"B"}) == {"B", "C", "D"}


def test_both_apps_use_the_one_type():
    assert isinstance(REQUESTS, LifeCycle)
    assert isinstance(JOBS, LifeCycle)
    assert {t.action for t in REQUESTS.transitions.values() if t.asks_first} == {"cancel"}
    assert {t.action for t in JOBS.transitions.values() if t.asks_first} == {"cancel", "complete"}
