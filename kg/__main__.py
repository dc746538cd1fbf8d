"""Entry point for `python -m clusterkg.kg`: runs the clusterkg command line."""

from clusterkg.kg.cli import main

main()
