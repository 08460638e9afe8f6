"""`python -m hpcore.cli`: the `hpcore` command."""

import sys

from hpcore.cli import main

sys.exit(main())
