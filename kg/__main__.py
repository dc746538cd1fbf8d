"""Entry point for `python -m kg`: runs the clusterkg command line."""

from kg.cli import main

main()
