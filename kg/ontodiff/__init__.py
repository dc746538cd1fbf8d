"""`clusterkg diff OLD NEW`: what changed between two versions of the ontology and its shapes (files,
folders or git revisions), as Markdown for ontology/CHANGELOG.md or as JSON."""
