"""`python -m bot` runs the `brandpilot` command line."""

from bot.cli import main

main()
