"""FAIR tooling of the project: the metadata checker and the FAIR scorecard.

The checker needs only the standard library and PyYAML, so that it also runs in the Python that
runs Copier; `derive` (make metadata) also uses tomlkit, jsonschema and packaging when present.
Run it with ``python -m <package>.fair --help``.
"""

from .checks import check_metadata
from .findings import Finding, Report
from .scorecard import Scorecard, scorecard

__all__ = ["Finding", "Report", "Scorecard", "check_metadata", "scorecard"]
