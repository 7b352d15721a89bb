"""`python -m liaoning_site` is the same as the `liaoning-site` command."""

import sys

from .cli import main

sys.exit(main())
