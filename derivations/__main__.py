"""``python -m derivations``: the same as the ``derivations`` command."""
import sys

from derivations.frontends.cli import main

sys.exit(main())
