"""Findings of the metadata checker and the report that collects them."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Finding:
    """One problem: where it is (file and field), what is wrong and how to fix it."""

    #: "error" (invalid metadata) or "warning" (to mend before publishing).
    severity: Severity
    #: The file, relative to the project, e.g. "CITATION.cff".
    file: str
    #: The field as a path, e.g. "authors[0].orcid"; "" for the whole file.
    field: str
    #: What is wrong, one sentence without a final full stop.
    message: str
    #: What to do about it.
    fix: str

    @property
    def where(self) -> str:
        """The place of the finding: 'file: field', or 'file' for the whole file."""
        return f"{self.file}: {self.field}" if self.field else self.file

    def line(self) -> str:
        """The finding as one line for the terminal.

        Returns:
            'SEVERITY where: message. Fix: fix', the severity upper-case and padded to 7.
        """
        return f"{self.severity.upper():7} {self.where}: {self.message}. Fix: {self.fix}"


@dataclass
class Report:
    """All findings of one run of the metadata checker, and what it read."""

    #: Which validation of CITATION.cff ran, e.g. "CFF 1.2.0 JSON schema (official, shipped)".
    validation: str = ""
    #: Every finding, in the order found, each once.
    findings: list[Finding] = field(default_factory=list)
    #: File name to its parsed `sources.Record`, for the FAIR scorecard: no file is parsed twice.
    records: dict[str, Any] = field(default_factory=dict, repr=False)

    def _add(self, finding: Finding) -> None:
        """Record a finding once.

        A second identical one (e.g. the same rule reached by two branches of the schema) would
        only repeat a line.
        """
        if finding not in self.findings:
            self.findings.append(finding)

    def error(self, file: str, field_: str, message: str, fix: str) -> None:
        """Record an error: invalid metadata (`make check-metadata` fails).

        Args:
            file: the file, relative to the project.
            field_: the field as a path (e.g. "authors[0].orcid"); "" for the whole file.
            message: what is wrong.
            fix: what to do about it.
        """
        self._add(Finding("error", file, field_, message, fix))

    def warning(self, file: str, field_: str, message: str, fix: str) -> None:
        """Record a warning: a placeholder or a missing identifier to add before publishing.

        Args:
            file: the file, relative to the project.
            field_: the field as a path; "" for the whole file.
            message: what is missing.
            fix: what to do about it.
        """
        self._add(Finding("warning", file, field_, message, fix))

    @property
    def errors(self) -> list[Finding]:
        """The errors, in the order found."""
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        """The warnings, in the order found."""
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings allowed)."""
        return not self.errors

    def about(self, file: str) -> list[Finding]:
        """The findings about one file.

        Args:
            file: the file, relative to the project, as the findings name it.

        Returns:
            Its errors and warnings, in the order found.
        """
        return [f for f in self.findings if f.file == file]

    def as_dict(self) -> dict[str, Any]:
        """The report as JSON-serialisable data (`check-metadata --json`).

        Returns:
            {"ok": bool, "validation": str, "findings": [each finding's fields as a dict]}.
        """
        return {
            "ok": self.ok,
            "validation": self.validation,
            "findings": [asdict(f) for f in self.findings],
        }
