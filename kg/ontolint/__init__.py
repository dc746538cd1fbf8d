"""`clusterkg lint`: checks over the ontology, its shapes, the data and the query library, in the manner of
ROBOT report; each check is a query in `queries/checks/ontology/`."""
