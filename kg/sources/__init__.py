"""Ingesters: one module per input kind (BibTeX, RIS, evidence CSV, Turtle), each turning a file into triples."""
