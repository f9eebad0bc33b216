import sys

from skybus.cli import main

sys.exit(main())
