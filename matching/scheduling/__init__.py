"""Meeting scheduler for 百场万企 matchmaking sessions (洽谈会).

Public API: :func:`schedule_event`, :func:`greedy_schedule` and the records in
:mod:`matching.scheduling.problem`.
"""

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
from matching.scheduling.solver import schedule_event

__all__ = [
    "Buyer",
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
    "ValueWeights",
    "greedy_schedule",
    "ratio",
    "schedule_event",
]
