"""``python -m bot`` does what the ``quality-time`` command does."""

import sys

from bot.cli import main

sys.exit(main())
