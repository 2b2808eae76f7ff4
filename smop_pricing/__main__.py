import sys

from smop_pricing.cli import main

sys.exit(main())
