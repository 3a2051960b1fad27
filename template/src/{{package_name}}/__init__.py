"""The analysis package of this project: data, features, models, visualization and FAIR tools.

Keep this module free of heavy imports: the metadata checker in ``fair`` is imported from it in
the Python that runs Copier.
"""

from importlib.metadata import PackageNotFoundError, version

from .project import DISTRIBUTION

try:
    __version__ = version(DISTRIBUTION)
except PackageNotFoundError:  # not installed, e.g. run from a source checkout
    __version__ = "0+unknown"

__all__ = ["__version__"]
