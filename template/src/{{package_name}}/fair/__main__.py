"""Entry point: ``python -m <package>.fair``."""

import sys

from .cli import main

sys.exit(main())
