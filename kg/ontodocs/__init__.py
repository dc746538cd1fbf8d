"""Ontology documentation: the model's classes, properties, axioms, shapes and usage, for pages and diagrams."""
