"""``python -m gradscape ...``: the command line (``gradscape.cli``)."""
import sys

from gradscape.cli import main

sys.exit(main())
