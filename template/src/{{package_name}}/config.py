"""Load the pipeline configuration (config/pipeline.yaml) with the project's paths."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

CONFIG_FILE = Path("config") / "pipeline.yaml"
MODEL_CARD_FILE = Path("config") / "model_card.yaml"


class ConfigError(Exception):
    """The configuration file is missing or a field is wrong."""


@dataclass(frozen=True)
class Config:
    """The parsed configuration; `root` is the project folder all paths are relative to."""

    root: Path
    data: dict[str, Any]

    def section(self, name: str) -> dict[str, Any]:
        """Return one section of the file (e.g. 'data'), or fail naming it."""
        value = self.data.get(name)
        if not isinstance(value, dict):
            raise ConfigError(f"{CONFIG_FILE}: section '{name}' is missing or not a mapping")
        return value

    def setting(self, section: str, key: str, default: int) -> int:
        """A positive integer of a section that may be left out (e.g. dask.n_workers)."""
        values = self.data.get(section)
        if values is None:
            values = {}
        if not isinstance(values, dict):
            raise ConfigError(f"{CONFIG_FILE}: section '{section}' must be a mapping of settings")
        value = values.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ConfigError(
                f"{CONFIG_FILE}: '{section}.{key}' must be a positive integer, e.g. {default}"
            )
        return value

    def path(self, section: str, key: str) -> Path:
        """Return a path of the configuration, resolved against the project folder."""
        value = self.section(section).get(key)
        if not isinstance(value, str) or not value:
            raise ConfigError(f"{CONFIG_FILE}: '{section}.{key}' must be a relative path")
        return self.root / value

    @property
    def seed(self) -> int:
        """The random seed of every step."""
        seed = self.data.get("seed")
        if not isinstance(seed, int):
            raise ConfigError(f"{CONFIG_FILE}: 'seed' must be an integer, e.g. seed: 1234")
        return seed

    def sha256(self) -> str:
        """The sha256 of the configuration file, recorded with the outputs."""
        return hashlib.sha256((self.root / CONFIG_FILE).read_bytes()).hexdigest()


def _load_mapping(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise ConfigError(f"{path} is missing: restore it from git") from error
    except yaml.YAMLError as error:
        raise ConfigError(f"{path} is not valid YAML: {error}") from error
    if not isinstance(data, dict):
        raise ConfigError(f"{path} must contain a mapping of sections")
    return data


def load_config(root: Path | str = ".") -> Config:
    """Read config/pipeline.yaml below `root`."""
    root = Path(root)
    return Config(root=root, data=_load_mapping(root / CONFIG_FILE))


def load_model_card_config(root: Path | str = ".") -> dict[str, Any]:
    """Read config/model_card.yaml below `root`: the text of the model card."""
    return _load_mapping(Path(root) / MODEL_CARD_FILE)
