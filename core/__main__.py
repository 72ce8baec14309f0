"""``python -m splice``: the ``splice`` command line."""

import sys

from splice.cli import main

sys.exit(main())
