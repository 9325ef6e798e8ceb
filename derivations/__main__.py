"""``python -m derivations``: the same as the ``derivations`` command."""
import sys

from ._cli import main

sys.exit(main())
