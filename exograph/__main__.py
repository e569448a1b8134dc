"""python -m exograph"""

from exograph.cli import main

main()
