"""``python -m autograd_mini`` runs the ``autograd-mini`` command."""
import sys

from .cli import main

sys.exit(main())
