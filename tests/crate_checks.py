"""Validate a release package's RO-Crate with roc-validator, offline.

Run by the full tier in the template's test environment (requirements-test.txt has
roc-validator): `python crate_checks.py BAG CONTEXT CACHE`, in a process of its own (the
validator's HTTP requester is a process-wide singleton). Validates the BagIt-wrapped crate at
the REQUIRED level against the Process Run Crate 0.5 profile, which includes RO-Crate 1.1.

Offline: the one resource the validator fetches for these profiles is the RO-Crate 1.1 JSON-LD
context (https://w3id.org/ro/crate/1.1/context; the profiles' SHACL shapes ship in the
package). The validator reads it through its HTTP cache (requests-cache, SQLite, at CACHE) and,
offline, only from there: the cache is filled first through a transport adapter that answers
that address with CONTEXT, the copy of the context the generated project's rocrate 0.13 ships.
Any other address would be a cache miss, which the validator reports as a failure. Prints a
JSON summary; exits non-zero if the crate is not valid.
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from requests_cache import CachedSession
from rocrate_validator import services
from rocrate_validator.models import ValidationSettings
from urllib3 import HTTPResponse

CONTEXT_URL = "https://w3id.org/ro/crate/1.1/context"
PROFILE = "process-run-crate-0.5"


class LocalContext(HTTPAdapter):
    """Answers every request it is mounted for with the local copy of the context."""

    def __init__(self, context: Path) -> None:
        super().__init__()
        self.context = context

    def send(
        self, request: requests.PreparedRequest, *args: Any, **kwargs: Any
    ) -> requests.Response:
        raw = HTTPResponse(
            body=io.BytesIO(self.context.read_bytes()),
            headers={"Content-Type": "application/ld+json"},
            status=200,
            preload_content=False,
            request_url=request.url,
        )
        return self.build_response(request, raw)


def fill_cache(cache: Path, context: Path) -> None:
    """Store the context in the validator's HTTP cache at `cache`, as if fetched online."""
    cache.parent.mkdir(parents=True, exist_ok=True)
    session = CachedSession(cache_name=str(cache), backend="sqlite", expire_after=-1)
    session.mount(CONTEXT_URL, LocalContext(context))
    response = session.get(CONTEXT_URL)
    response.raise_for_status()
    session.close()


def main(bag: Path, context: Path, cache: Path) -> dict[str, object]:
    fill_cache(cache, context)
    settings = ValidationSettings(
        rocrate_uri=str(bag),
        profile_identifier=PROFILE,
        requirement_severity="REQUIRED",
        offline=True,
        cache_path=cache,
    )
    result = services.validate(settings)
    return {
        "passed": result.passed(),
        "profile": PROFILE,
        "issues": [
            f"{i.severity.name} {i.check.identifier} {i.check.name}: {i.message}"
            for i in result.get_issues()
        ],
    }


if __name__ == "__main__":
    summary = main(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))
    print(json.dumps(summary))
    sys.exit(0 if summary["passed"] else 1)
