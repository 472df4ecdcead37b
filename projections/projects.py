"""Read model ``projects``: registration facts, status, lead and last closed year per project."""

from __future__ import annotations

import json
from typing import Any

from ledger.project import ACTIVE, ENDED, TERMINATED, Project
from projections.base import Handler, InsertBuffer, ReadModel, cents

COLUMNS = (
    "project_id", "code", "program", "university_code", "university_name", "name",
    "project_class", "period_start_year", "period_end_year", "lead", "platforms",
    "platform_entitlement", "status", "terminated_on", "last_closed_year", "registered_on",
    "position",
)


class ProjectsModel(ReadModel):
    name = "projects"
    tables = ("rm_projects",)

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.inserts = InsertBuffer(self.db, "rm_projects", COLUMNS)
        self.updates: list[tuple[str, tuple[Any, ...]]] = []
        sql = self.db.sql
        self.sql_terminate = sql(
            "UPDATE rm_projects SET status = ?, terminated_on = ? WHERE code = ?"
        )
        self.sql_lead = sql("UPDATE rm_projects SET lead = ? WHERE code = ?")
        self.sql_close = sql(
            "UPDATE rm_projects SET last_closed_year = ?, "
            "status = CASE WHEN ? = 1 AND status = ? THEN ? ELSE status END WHERE code = ?"
        )

    def handlers(self) -> dict[type, Handler]:
        return {
            Project.Registered: self.registered,
            Project.FundingDecisionRecorded: self.decided,
            Project.LeadChanged: self.lead_changed,
            Project.FiscalYearClosed: self.year_closed,
        }

    def registered(self, e: Any, position: int) -> None:
        self.inserts.add(
            str(e.originator_id), e.code, e.program, e.university_code, e.university_name,
            e.name, e.project_class, e.period_start_year, e.period_end_year, e.lead,
            json.dumps(e.platforms, ensure_ascii=False, default=str),
            cents(e.platform_entitlement), ACTIVE, None, None, self.db.date_param(e.booked_on),
            position,
        )

    def decided(self, e: Any, position: int) -> None:
        if e.action == "TERMINATE":
            code = self.directory.code(e.originator_id)
            self.updates.append(
                (self.sql_terminate, (TERMINATED, self.db.date_param(e.effective_on), code))
            )

    def lead_changed(self, e: Any, position: int) -> None:
        code = self.directory.code(e.originator_id)
        self.updates.append((self.sql_lead, (e.new_lead, code)))

    def year_closed(self, e: Any, position: int) -> None:
        code = self.directory.code(e.originator_id)
        ends = 1 if e.ends_project else 0
        self.updates.append((self.sql_close, (e.year, ends, ACTIVE, ENDED, code)))

    def flush(self, cursor: Any) -> None:
        self.inserts.flush(cursor)
        for statement, params in self.updates:
            cursor.execute(statement, params)
        self.updates = []

    def discard(self) -> None:
        self.inserts.rows = []
        self.updates = []
