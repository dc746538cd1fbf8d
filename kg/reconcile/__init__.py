"""Reconciliation: one study, one node, whichever sources describe it (rules, candidates, decisions)."""
