"""The generated README's cluster setup (dask-jobqueue for HTCondor and SLURM), checked as
configuration: every key is one dask-jobqueue knows, and the job scripts it writes from them
carry the settings. Nothing is submitted."""

from __future__ import annotations

import re
from pathlib import Path

import dask
import dask_jobqueue
import pytest
import yaml
from dask_jobqueue import HTCondorCluster, SLURMCluster


def _readme_block(project: Path, language: str, after: str) -> str:
    readme = (project / "README.md").read_text(encoding="utf-8")
    section = readme.split(after, 1)[1]
    block = re.search(rf"```{language}\n(.*?)```", section, flags=re.DOTALL)
    assert block, f"no {language} block after {after!r} in the generated README"
    return block.group(1)


@pytest.fixture(scope="module")
def jobqueue(default_project: Path) -> dict:
    return yaml.safe_load(_readme_block(default_project, "yaml", "### From a laptop to a cluster"))


def test_every_key_is_known_to_dask_jobqueue(jobqueue: dict) -> None:
    shipped = Path(dask_jobqueue.__file__).with_name("jobqueue.yaml")
    defaults = yaml.safe_load(shipped.read_text(encoding="utf-8"))["jobqueue"]
    assert set(jobqueue["jobqueue"]) == {"htcondor", "slurm"}
    for kind, settings in jobqueue["jobqueue"].items():
        unknown = set(settings) - set(defaults[kind])
        assert not unknown, f"jobqueue.{kind}: dask-jobqueue has no setting {sorted(unknown)}"


@pytest.mark.parametrize(
    ("cluster", "expected"),
    [
        (HTCondorCluster, ['+JobFlavour = "workday"', "MY.DaskWorkerMemory = 2147483648"]),
        (SLURMCluster, ["#SBATCH -p short", "#SBATCH -A my-project", "#SBATCH -t 02:00:00"]),
    ],
)
def test_the_job_scripts_carry_the_settings(
    jobqueue: dict,
    cluster: type[HTCondorCluster | SLURMCluster],
    expected: list[str],
    tmp_path: Path,
) -> None:
    kind = cluster.job_cls.config_name
    settings = {
        f"jobqueue.{kind}.{key}": value for key, value in jobqueue["jobqueue"][kind].items()
    }
    # A scheduler on 127.0.0.1 with no dashboard; the job script is written, never submitted.
    settings[f"jobqueue.{kind}.scheduler-options"] = {"host": "127.0.0.1", "dashboard": False}
    settings[f"jobqueue.{kind}.log-directory"] = str(tmp_path / "logs")
    with dask.config.set(settings), cluster() as running:
        script = running.job_script()
    for line in expected:
        assert line in script, script
