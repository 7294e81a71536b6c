"""Field work's tables, by topic: people and posts, the duty list, what the
phone records (visits, patrols, findings, photos), household change
requests, and the ledger of synchronised operations."""

from wangge.gridwork.models.changes import ChangeStatus, HouseholdChange
from wangge.gridwork.models.duties import Duty
from wangge.gridwork.models.field import (
    FieldPhoto,
    Finding,
    FindingOutcome,
    Patrol,
    PatrolPoint,
    Visit,
)
from wangge.gridwork.models.people import (
    GridPost,
    GridWorker,
    Leave,
    LeaveKind,
    Post,
    ReservePerson,
    ReserveStatus,
    ReserveTrack,
    WorkerKind,
)
from wangge.gridwork.models.sync import SyncOp

__all__ = [
    "ChangeStatus",
    "Duty",
    "FieldPhoto",
    "Finding",
    "FindingOutcome",
    "GridPost",
    "GridWorker",
    "HouseholdChange",
    "Leave",
    "LeaveKind",
    "Patrol",
    "PatrolPoint",
    "Post",
    "ReservePerson",
    "ReserveStatus",
    "ReserveTrack",
    "SyncOp",
    "Visit",
    "WorkerKind",
]
