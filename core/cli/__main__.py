"""``python -m splice.cli``: the ``splice`` command line."""

import sys

from . import main

sys.exit(main())
