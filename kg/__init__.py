"""ClusterKG: a knowledge graph and literature-synthesis tool for research on industrial clusters."""

__version__ = "0.1.0"
