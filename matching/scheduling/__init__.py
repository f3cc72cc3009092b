"""Meeting scheduler for 百场万企 matchmaking sessions (洽谈会).

Public API: :func:`schedule_event`, :func:`greedy_schedule`, the day's :func:`replan`, the
SMEs without a meeting (:func:`unmet_smes`, :func:`fill_unmet`) and the records in
:mod:`matching.scheduling.problem`.
"""

from matching.scheduling.gaps import FreePlace, Unmet, UnmetReason, fill_unmet, unmet_smes
from matching.scheduling.greedy import greedy_schedule
from matching.scheduling.problem import (
    Buyer,
    LeftOut,
    LockedMeeting,
    Meeting,
    PairInfo,
    Preference,
    Reason,
    Schedule,
    ScheduleProblem,
    ScheduleResult,
    ScheduleStats,
    Sme,
    Table,
    ValueWeights,
    ratio,
)
from matching.scheduling.replan import replan, replan_problem
from matching.scheduling.solver import schedule_event

__all__ = [
    "Buyer",
    "FreePlace",
    "LeftOut",
    "LockedMeeting",
    "Meeting",
    "PairInfo",
    "Preference",
    "Reason",
    "Schedule",
    "ScheduleProblem",
    "ScheduleResult",
    "ScheduleStats",
    "Sme",
    "Table",
    "Unmet",
    "UnmetReason",
    "ValueWeights",
    "fill_unmet",
    "greedy_schedule",
    "ratio",
    "replan",
    "replan_problem",
    "schedule_event",
    "unmet_smes",
]
