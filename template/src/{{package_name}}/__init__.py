"""The analysis package of this project: data, features, models, visualization and FAIR tools.

Keep this module free of heavy imports: the metadata checker in ``fair`` is imported from it in
the Python that runs Copier. So ``__version__`` is looked up (with ``importlib.metadata``) when it
is first asked for, not when the package is imported.
"""

from .project import DISTRIBUTION

__version__: str
__all__ = ["__version__"]


def __getattr__(name: str) -> str:
    """``__version__``: the version of the installed distribution, looked up once (PEP 562).

    Args:
        name: the attribute asked for.

    Returns:
        The version; ``0+unknown`` when the project is not installed (run from a checkout).

    Raises:
        AttributeError: any other name.
    """
    if name != "__version__":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        found = version(DISTRIBUTION)
    except PackageNotFoundError:  # not installed, e.g. run from a source checkout
        found = "0+unknown"
    globals()["__version__"] = found
    return found
