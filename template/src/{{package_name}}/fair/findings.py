"""Findings of the metadata checker and the report that collects them."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Finding:
    """One problem: where it is (file and field), what is wrong and how to fix it."""

    severity: Severity
    file: str
    field: str
    message: str
    fix: str

    @property
    def where(self) -> str:
        """The place of the finding: 'file: field', or 'file' for the whole file."""
        return f"{self.file}: {self.field}" if self.field else self.file

    def line(self) -> str:
        """Return the finding as one line for the terminal."""
        return f"{self.severity.upper():7} {self.where}: {self.message}. Fix: {self.fix}"


@dataclass
class Report:
    """All findings of one run, which CITATION.cff schema validation ran, and the records read
    (file name to its parsed record, for the FAIR scorecard: no file is parsed twice)."""

    validation: str = ""
    findings: list[Finding] = field(default_factory=list)
    records: dict[str, Any] = field(default_factory=dict, repr=False)

    def _add(self, finding: Finding) -> None:
        """Record a finding once: a second identical one (e.g. the same rule reached by two
        branches of the schema) would only repeat a line."""
        if finding not in self.findings:
            self.findings.append(finding)

    def error(self, file: str, field_: str, message: str, fix: str) -> None:
        """Record an error: invalid metadata."""
        self._add(Finding("error", file, field_, message, fix))

    def warning(self, file: str, field_: str, message: str, fix: str) -> None:
        """Record a warning: a placeholder or a missing identifier to add before publishing."""
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
        """The findings about one file."""
        return [f for f in self.findings if f.file == file]

    def as_dict(self) -> dict[str, Any]:
        """Return the report as JSON-serialisable data."""
        return {
            "ok": self.ok,
            "validation": self.validation,
            "findings": [asdict(f) for f in self.findings],
        }
