"""Check a generated project's release package (`make release`) with bagit, in its own Python.

Run by the full tier with the generated project's Python (which has bagit and rocrate, the
release's own libraries): `python package_checks.py BAG`. Validates the bag (every payload file
against its sha256 and sha512 manifests), then reads the RO-Crate in its payload and checks each
file entity against the file it names. Prints a JSON summary with the path of the RO-Crate 1.1
JSON-LD context that the project's rocrate ships (tests/crate_checks.py serves it to
roc-validator offline); exits non-zero with the reason if the bag is invalid.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import bagit
import rocrate


def main(bag_dir: Path) -> dict[str, object]:
    bag = bagit.Bag(str(bag_dir))
    bag.validate()  # raises BagValidationError with the files that differ
    payload = bag_dir / "data"
    crate = json.loads((payload / "ro-crate-metadata.json").read_text(encoding="utf-8"))
    graph = {entity["@id"]: entity for entity in crate["@graph"]}
    files = {k: v for k, v in graph.items() if v.get("@type") == "File"}
    problems = []
    for name, entity in files.items():
        path = payload / name
        if not path.is_file():
            problems.append(f"{name}: no such file in the payload")
            continue
        content = path.read_bytes()
        if entity.get("sha256") != hashlib.sha256(content).hexdigest():
            problems.append(f"{name}: sha256 differs")
        if entity.get("contentSize") != str(len(content)):
            problems.append(f"{name}: contentSize differs")
        if not entity.get("encodingFormat") or not entity.get("license"):
            problems.append(f"{name}: no encodingFormat or licence")
    action = graph["#make-all"]
    formats = [
        f["@id"]
        for entity in files.values()
        for f in entity["encodingFormat"]
        if isinstance(entity["encodingFormat"], list) and isinstance(f, dict)
    ]
    context = Path(rocrate.__file__).parent / "data" / "ro-crate.jsonld"
    # Each data table's columns (schema.org variableMeasured): name -> unit ("" for none).
    columns = {
        name: {
            graph[ref["@id"]]["name"]: graph[ref["@id"]].get("unitText", "")
            for ref in entity["variableMeasured"]
        }
        for name, entity in graph.items()
        if "variableMeasured" in entity
    }
    # What the crate cites (CITATION.cff's references) and where each raw file came from.
    cited = graph["./"].get("citation") or []
    cited = cited if isinstance(cited, list) else [cited]
    origins = {
        name: {key: entity[key] for key in ("isBasedOn", "url") if key in entity}
        for name, entity in graph.items()
        if name.startswith(("dataset/raw/", "#raw-"))
    }
    return {
        "columns": columns,
        "cited": {ref["@id"]: graph[ref["@id"]] for ref in cited},
        "origins": origins,
        "files": sorted(files),
        "problems": problems,
        "context": crate["@context"],
        "conforms_to": graph["./"]["conformsTo"],
        "about": graph["./"].get("about"),
        "edam_formats": sorted(set(formats)),
        "action": {k: v for k, v in action.items() if k not in {"object", "result"}},
        "objects": len(action["object"]),
        "results": len(action["result"]),
        "instrument": graph[action["instrument"]["@id"]],
        "bag_info": bag.info,
        "rocrate_context": str(context),
    }


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]))))
