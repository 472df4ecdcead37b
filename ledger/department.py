"""Use cases of the education department (教育厅/财政厅): programs, projects, allocations,
decisions, surplus recoveries and fiscal-year closes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from ledger import errors
from ledger.context import CommandContext
from ledger.engine import Changes, LedgerEngine, Outcome, amount_arg
from ledger.programs import Program, program_id
from ledger.project import Project, project_id
from ledger.store import position_of
from ledger.validation import registration_facts, required_text
from ledger.validation import year as check_year

CLOSED, ALREADY_CLOSED, REJECTED, SKIPPED = "CLOSED", "ALREADY_CLOSED", "REJECTED", "SKIPPED"


class DepartmentUseCases(LedgerEngine):
    """Commands the department may give; each is one transaction."""

    def define_program(self, ctx: CommandContext, **definition: Any) -> dict[str, Any]:
        """Define a further program as data (sources, categories, classes, settings)."""
        code = required_text("code", definition.get("code"), 50)
        definition.setdefault("project_classes", [])
        definition.setdefault("settings", {})

        def decide(changes: Changes) -> Outcome:
            if changes.find(program_id(code)) is not None:
                raise errors.AlreadyExists(f"Program {code} already exists.", program=code)
            program = Program.define(meta=ctx.event_meta(), booked_on=self.today(), **definition)
            changes.add(program)
            return Outcome({"program": code}, program, [])

        return self._execute(ctx, "define_program", definition, [program_id(code)], decide)

    def register_project(self, ctx: CommandContext, **facts: Any) -> dict[str, Any]:
        """Register a project under its program; its code can be registered once."""
        booked_on = facts.pop("booked_on", None) or self.today()
        if not isinstance(booked_on, date):
            raise errors.FieldError("booked_on", "a date (YYYY-MM-DD)")
        facts = registration_facts(facts)
        code = facts["code"]

        def decide(changes: Changes) -> Outcome:
            program: Program | None = changes.find(program_id(facts["program"]))
            if program is None:
                raise errors.FieldError("program", f"program {facts['program']} does not exist")
            if changes.find(project_id(code)) is not None:
                raise errors.AlreadyExists(f"Project {code} is already registered.", project=code)
            project = Project.register(
                rules=program.rules(), meta=ctx.event_meta(), booked_on=booked_on, **facts
            )
            program.enrol(code, ctx.event_meta(), booked_on)
            changes.add(project)
            return Outcome({"project_code": code, "project_id": project.id}, project)

        keys = [project_id(code), program_id(str(facts.get("program")))]
        return self._execute(ctx, "register_project", facts, keys, decide)

    def allocate(
        self,
        ctx: CommandContext,
        project_code: str,
        *,
        source: str,
        appropriation_year: int,
        amount: Decimal | str,
        document_no: str,
        booked_on: date,
    ) -> dict[str, Any]:
        """资金下达: fiscal money allocated to a project for an appropriation year."""
        args = {
            "project_code": project_code,
            "source": source,
            "appropriation_year": appropriation_year,
            "amount": amount_arg("amount", amount),
            "document_no": document_no,
            "booked_on": booked_on,
        }

        return self._on_project(ctx, "allocate", args, "allocate", with_rules=True)

    def recover_surplus(
        self,
        ctx: CommandContext,
        project_code: str,
        *,
        source: str,
        appropriation_year: int,
        amount: Decimal | str,
        booked_on: date,
        document_no: str,
    ) -> dict[str, Any]:
        """结余收回: the department records the recovery of surplus awaiting recovery."""
        args = {
            "project_code": project_code,
            "source": source,
            "appropriation_year": appropriation_year,
            "amount": amount_arg("amount", amount),
            "booked_on": booked_on,
            "document_no": document_no,
        }

        return self._on_project(ctx, "recover_surplus", args, "recover_surplus", with_rules=True)

    def record_funding_decision(
        self,
        ctx: CommandContext,
        project_code: str,
        *,
        action: str,
        target_year: int | None = None,
        amount: Decimal | str | None = None,
        effective_on: date | None = None,
        booked_on: date,
        reason: str,
        document_no: str,
    ) -> dict[str, Any]:
        """SUSPEND / REDUCE / RESTORE / TERMINATE (§8)."""
        args = {
            "project_code": project_code,
            "action": action,
            "target_year": target_year,
            "amount": None if amount is None else amount_arg("amount", amount),
            "effective_on": effective_on,
            "booked_on": booked_on,
            "reason": reason,
            "document_no": document_no,
        }

        return self._on_project(ctx, "record_funding_decision", args, "decide_funding")

    def change_lead(
        self,
        ctx: CommandContext,
        project_code: str,
        *,
        new_lead: str,
        effective_on: date,
        booked_on: date,
        document_no: str,
    ) -> dict[str, Any]:
        """A new centre lead, filed with its document."""
        args = {
            "project_code": project_code,
            "new_lead": required_text("new_lead", new_lead, 200),
            "effective_on": effective_on,
            "booked_on": booked_on,
            "document_no": document_no,
        }

        return self._on_project(ctx, "change_lead", args, "change_lead")

    def close_project_year(
        self, ctx: CommandContext, project_code: str, year: int
    ) -> tuple[dict[str, Any], bool]:
        """Close fiscal year ``year`` of one project; returns (close body, newly closed).

        Closing a year again returns the first result unchanged (P10), whatever the key.
        """
        def decide(changes: Changes) -> Outcome:
            project = self._project(changes, project_code)
            if str(year) in project.closes:
                return Outcome({**project.close_result(year), "newly_closed": False}, project)
            body = project.close_year(
                rules=self.program_rules(project.program),
                meta=ctx.event_meta(),
                year=year,
                today=self.today(),
            )
            return Outcome({**body, "newly_closed": True}, project)

        result = self._execute(
            ctx,
            "close_project_year",
            {"project_code": project_code, "year": year},
            [project_id(project_code)],
            decide,
        )
        newly = bool(result.pop("newly_closed"))
        if not newly and result.get("position") is None:
            result["position"] = self._close_position(project_code, year)
        return result, newly

    def _close_position(self, project_code: str, year: int) -> int | None:
        """Log position of the event that closed ``year``: closing again answers the first
        result, position included."""
        project = self.get_project(project_code)
        version = project.close_version(year)
        return None if version is None else position_of(self.recorder, project.id, version)

    def close_program_year(
        self, ctx: CommandContext, program: str, year: int
    ) -> list[dict[str, Any]]:
        """Close ``year`` for every project of a program whose period covers it, one project at
        a time (not all-or-nothing); one result per project (§6)."""
        year = check_year("year", year)
        results: list[dict[str, Any]] = []
        for code in self.project_codes(program):
            project = self.get_project(code)
            if not project.period_start_year <= year <= project.period_end_year:
                results.append({"project_code": code, "result": SKIPPED, "close": None,
                                "problem": None})
                continue
            if str(year) in project.closes:
                first = {**project.close_result(year), "position": self._close_position(code, year)}
                results.append({"project_code": code, "result": ALREADY_CLOSED,
                                "close": first, "problem": None})
                continue
            project_ctx = CommandContext(ctx.actor, ctx.request_id, None)
            try:
                body, newly = self.close_project_year(project_ctx, code, year)
            except errors.DomainError as error:
                results.append({"project_code": code, "result": REJECTED, "close": None,
                                "problem": error})
                continue
            results.append({"project_code": code, "result": CLOSED if newly else ALREADY_CLOSED,
                            "close": body, "problem": None})
        return results
