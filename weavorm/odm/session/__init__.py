"""The unit of work: ``Session`` / ``AsyncSession`` and the pure flush planner."""

from weavorm.odm.session._session import ObjectState
from weavorm.odm.session._sessions import AsyncSession, Session
from weavorm.odm.session.planner import Change, ChangeKind, FlushPlan, plan_flush

__all__ = [
    "AsyncSession",
    "Change",
    "ChangeKind",
    "FlushPlan",
    "ObjectState",
    "Session",
    "plan_flush",
]
