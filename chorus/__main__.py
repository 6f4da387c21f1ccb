"""`python -m chorus`: the same as the `chorus` command."""

import sys

from chorus.app import main

sys.exit(main())
