"""Full tier: a HEP project whose user brings two real ROOT samples, run through `make all`.

The samples are the HZZ and Z->mumu files of uproot's tutorials (CMS open-data origin), shipped
by scikit-hep-testdata: `uproot-HZZ.root` as signal (tree `events`: jagged muon collections
`Muon_Px`, `Muon_Py`, `Muon_Pz`, `Muon_E`, 2421 entries) and `uproot-Zmumu.root` as background
(tree `events`: one muon pair per entry, flat `px1` ... `E2`, and the pair's mass `M`, 2304
entries). The test does what the generated README tells such a user: copy the files into
`data/raw/`, list them under `data.ntuples`, and adapt `src/<package>/data/ntuple.py` (FEATURES,
BRANCHES with one layout per sample, event_features) and the `cutflow:` cuts to the features;
then `make all`, the model release included (cut flow, importance, likelihood, export, model
card, HEPData), checked with the real validators (onnx.checker and onnxruntime, pyhf's schema,
hepdata-validator, huggingface_hub's card loader: tests/release_checks.py) and the manifests'
checksums of the ROOT inputs.

Why scikit-hep-testdata 0.3.12 (requirements-test.txt), checked on 2026-11-30: from 0.4 on (0.6.9
is current) the package ships no data files and downloads them from GitHub when asked
(`skhep_testdata.data_path`), which CI and this machine (no network but the package indexes)
cannot do. The 0.3.12 wheel on PyPI (scikit_hep_testdata-0.3.12-py2.py3-none-any.whl, 80 MB,
155 files) has them inside, `skhep_testdata/data/uproot-HZZ.root` (217,945 bytes) and
`uproot-Zmumu.root` (178,971 bytes); it installs on Python 3.11 and `data_path` (importlib
.resources) finds both without any network. Without the package the test is skipped, saying so.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
import yaml
from helpers import edit_pipeline, generate, install_project, make_venv, run

pytestmark = pytest.mark.full

#: The two samples: (folder under data/raw, file of scikit-hep-testdata, label).
SAMPLES = (("signal", "uproot-HZZ.root", 1), ("background", "uproot-Zmumu.root", 0))

#: What the user writes into data/ntuple.py in place of the template's FEATURES, BRANCHES and
#: event_features (from its `from .synthetic import FEATURES` line to `def count_entries`): the
#: same di-muon features from both layouts.
USER_ANALYSIS = '''from .schema import Feature

#: The features of a di-muon selection, the same for both samples.
FEATURES = (
    Feature("m_mumu", "GeV", "invariant mass of the two leading muons"),
    Feature("pt_lead", "GeV", "transverse momentum of the leading muon"),
    Feature("pt_sublead", "GeV", "transverse momentum of the second muon"),
    Feature("eta_lead", "", "pseudorapidity of the leading muon"),
    Feature("delta_r_mumu", "", "angular separation Delta R of the two leading muons"),
)

#: Signal (uproot-HZZ.root): muon collections; background (uproot-Zmumu.root): one pair, flat.
BRANCHES = {
    "muon collections": ("Muon_Px", "Muon_Py", "Muon_Pz", "Muon_E"),
    "muon pairs": ("px1", "py1", "pz1", "E1", "px2", "py2", "pz2", "E2"),
}
COMPONENTS = ("px", "py", "pz", "E")


def _muons(px, py, pz, energy):
    return vector.array({"px": px, "py": py, "pz": pz, "E": energy})


def _leading(values, order, n):
    """The first `n` entries of each event in `order`, as an [events, n] array (NaN if fewer)."""
    padded = ak.pad_none(values[order], n, clip=True)
    return ak.to_numpy(ak.fill_none(padded, np.nan)).astype(np.float64)


def event_features(events):
    """The di-muon features of one batch of events, of either layout of BRANCHES (GeV)."""
    if "Muon_Px" in events.fields:
        order = ak.argsort(np.hypot(events.Muon_Px, events.Muon_Py), axis=1, ascending=False)
        px, py, pz, energy = (
            _leading(events[f"Muon_{c.capitalize()}"], order, 2) for c in COMPONENTS
        )
        first, second = (_muons(px[:, i], py[:, i], pz[:, i], energy[:, i]) for i in (0, 1))
    else:
        first, second = (
            _muons(*(ak.to_numpy(events[f"{c}{i}"]).astype(np.float64) for c in COMPONENTS))
            for i in (1, 2)
        )
    swap = np.asarray(second.pt) > np.asarray(first.pt)  # the leading muon first
    lead = _muons(*(np.where(swap, getattr(second, c), getattr(first, c)) for c in COMPONENTS))
    sub = _muons(*(np.where(swap, getattr(first, c), getattr(second, c)) for c in COMPONENTS))
    columns = {
        "m_mumu": lead.add(sub).mass,
        "pt_lead": lead.pt,
        "pt_sublead": sub.pt,
        "eta_lead": lead.eta,
        "delta_r_mumu": lead.deltaR(sub),
    }
    return np.column_stack([np.asarray(columns[f.name], dtype=np.float64) for f in FEATURES])


'''

#: Counted in the project's environment straight from the files, with branches and code the
#: project's step never uses: signal events with two muons (NMuon), and the pair masses the
#: producer of the Z->mumu file stored (M).
INDEPENDENT = """
import json, sys, uproot
signal = uproot.open(sys.argv[1])["events"]["NMuon"].array(library="np")
mass = uproot.open(sys.argv[2])["events"]["M"].array(library="np")
print(json.dumps({"signal": int((signal >= 2).sum()), "mass": sorted(mass.tolist())}))
"""

#: The limits of reports/limits.json, from -2 to +2 standard deviations.
LIMIT_BAND = ("minus_2_sigma", "minus_1_sigma", "median", "plus_1_sigma", "plus_2_sigma")


def _testdata() -> dict[str, Path]:
    """The two files of scikit-hep-testdata, by name; skip the test where they cannot be had."""
    try:
        import skhep_testdata

        return {name: Path(skhep_testdata.data_path(name)) for _, name, _ in SAMPLES}
    except (ImportError, RuntimeError, OSError) as error:  # not installed, or a release that
        # downloads its files (0.4 and later) without network
        pytest.skip(f"scikit-hep-testdata==0.3.12 (requirements-test.txt) is needed: {error}")


def _read_csv(path: Path) -> tuple[list[str], list[list[float]]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return lines[0].split(","), [[float(v) for v in line.split(",")] for line in lines[1:]]


def test_root_input_of_two_layouts_runs_the_whole_pipeline(tmp_path: Path) -> None:
    files = _testdata()
    project = generate(tmp_path / "analysis", ml_framework="scikit-learn", domain="hep")
    python = make_venv(tmp_path / "venv")
    install_project(project, python)
    # The user's steps: the files into data/raw, their code and settings.
    raw = project / "data" / "raw"
    for folder, name, _ in SAMPLES:
        (raw / folder).mkdir()
        shutil.copyfile(files[name], raw / folder / name)
    ntuple = project / "src" / "my_fair_analysis" / "data" / "ntuple.py"
    code = ntuple.read_text(encoding="utf-8")
    start, end = code.index("from .synthetic import FEATURES"), code.index("def count_entries")
    ntuple.write_text(code[:start] + USER_ANALYSIS + code[end:], encoding="utf-8")
    samples = [
        {"files": f"data/raw/{folder}/*.root", "label": label} for folder, _, label in SAMPLES
    ]
    cuts = [
        {"name": "leading muon pT >= 20 GeV", "feature": "pt_lead", "min": 20},
        {"name": "|eta| of the leading muon < 2.1", "feature": "eta_lead", "min": -2.1, "max": 2.1},
        {"name": "di-muon mass >= 12 GeV", "feature": "m_mumu", "min": 12},
    ]
    edit_pipeline(
        project,
        {
            "data": {"ntuples": {"tree": "events", "samples": samples}},
            "cutflow": {"cuts": cuts},
            # CMS open data of 2010-2011 at 7 TeV; HEPData's reaction of the selection.
            "figures": {
                "status": "Open Data",
                "com_energy_tev": 7,
                "reactions": ["P P --> MU+ MU- X"],
            },
        },
    )
    card = project / "config" / "model_card.yaml"
    text = yaml.safe_load(card.read_text(encoding="utf-8"))
    text["summary"] = "A classifier of di-muon events: the HZZ tutorial sample against Z->mumu."
    text["limitations"] = "Trained on two tutorial files of CMS open-data origin (uproot's)."
    card.write_text(yaml.safe_dump(text, sort_keys=False), encoding="utf-8")

    env = {"PATH": f"{python.parent}:/usr/bin:/bin"}
    out = run(["make", "all", f"PYTHON={python}"], cwd=project, env=env, timeout=1800)
    ran = [line.split(":")[0][4:] for line in out.splitlines() if line.startswith("--- ")]
    assert ran[-1] == "hepdata" and {"cutflow", "importance", "likelihood", "export"} <= set(ran)
    assert "2 input files checked against their manifests (2 new)" in out

    # The ROOT inputs: recorded with their checksums, those of the files scikit-hep-testdata has.
    for folder, name, _ in SAMPLES:
        run(["sha256sum", "-c", "MANIFEST.sha256"], cwd=raw / folder)
        digest = hashlib.sha256(files[name].read_bytes()).hexdigest()
        assert f"{digest}  {name}" in (raw / folder / "MANIFEST.sha256").read_text()

    # Every event with two muons of each sample, with the user's features; the Z->mumu pairs'
    # masses are those its producer stored (M), though the step never reads that branch.
    rows: list[list[float]] = []
    for name in ("train.csv", "test.csv"):
        header, part = _read_csv(project / "data" / "processed" / name)
        assert header == ["m_mumu", "pt_lead", "pt_sublead", "eta_lead", "delta_r_mumu", "label"]
        rows += part
    counted = json.loads(
        run(
            [str(python), "-c", INDEPENDENT, *(str(files[name]) for _, name, _ in SAMPLES)],
            cwd=project,
            env=env,
            stdout_only=True,
        )
    )
    signal = [row for row in rows if row[-1] == 1]
    background = sorted(row[0] for row in rows if row[-1] == 0)
    assert len(signal) == counted["signal"] == 1413, out  # of 2421 events
    assert len(background) == len(counted["mass"]) == 2304
    assert background == pytest.approx(counted["mass"], rel=1e-4, abs=1e-3)
    assert f"dropped {2421 - 1413} events" in out  # the signal events with fewer muons

    # The release, checked by the validators; the inputs described from the user's FEATURES.
    checker = Path(__file__).with_name("release_checks.py")
    summary = json.loads(
        run([str(python), str(checker), str(project)], cwd=project, env=env, stdout_only=True)
    )
    assert summary["inputs"] == ["features"] and summary["max_diff"] <= 1e-5
    assert summary["native_max_diff"] <= 1e-5
    assert summary["native_rows"] == len(_read_csv(project / "data" / "processed" / "test.csv")[1])
    assert summary["hepdata_valid"], summary["hepdata_messages"]
    assert summary["likelihood_poi"] == "mu"
    metrics = json.loads((project / "reports" / "metrics.json").read_text())
    assert metrics["roc_auc"] > 0.75, metrics
    model_card = (project / "models" / "classifier" / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert "| `m_mumu` | GeV | invariant mass of the two leading muons |" in model_card
    assert "### Cut flow" in model_card and "di-muon mass >= 12 GeV" in model_card

    # The cut flow of the user's cuts, then the working point: fewer events at every step.
    cutflow = json.loads((project / "reports" / "cutflow.json").read_text())
    steps = [step["step"] for step in cutflow["steps"]]
    assert steps[1:4] == [cut["name"] for cut in cuts] and len(steps) == 5
    for sample in ("signal", "background"):
        events = [step[sample]["events"] for step in cutflow["steps"]]
        assert events == sorted(events, reverse=True) and events[-1] > 0, (sample, events)

    # The limits, in reports/limits.json and as the HEPData table "Upper limits".
    limits = json.loads((project / "reports" / "limits.json").read_text())
    band = [limits["expected"][key] for key in LIMIT_BAND]
    assert band == sorted(band) and band[0] < band[2] < band[-1] and limits["observed"] > 0
    submitted = project / "hepdata" / "submission"
    documents = [
        doc for doc in yaml.safe_load_all((submitted / "submission.yaml").read_text()) if doc
    ]
    tables = {doc["name"]: doc for doc in documents if "data_file" in doc}
    assert list(tables) == [
        "ROC curve",
        "Score distributions",
        "Feature importance",
        "Cut flow",
        "Upper limits",
    ]
    for table in tables.values():
        keywords = {keyword["name"]: keyword["values"] for keyword in table["keywords"]}
        assert keywords["cmenergies"] == [7000] and keywords["reactions"] == ["P P --> MU+ MU- X"]
    data = yaml.safe_load((submitted / tables["Upper limits"]["data_file"]).read_text())
    observed, expected = data["dependent_variables"]
    assert observed["values"][0]["value"] == pytest.approx(limits["observed"], rel=1e-3)
    assert expected["values"][0]["value"] == pytest.approx(limits["expected"]["median"], rel=1e-3)
    print(
        f"ROOT input: {len(signal)} signal and {len(background)} background events, ROC AUC "
        f"{metrics['roc_auc']:.4f}, expected limit on mu {band[2]:.3g} "
        f"[{band[1]:.3g}, {band[3]:.3g}], observed {limits['observed']:.3g}"
    )
