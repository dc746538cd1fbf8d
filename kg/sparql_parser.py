"""rdflib's SPARQL parser, entered by one thread at a time.

rdflib parses with one pyparsing grammar shared by the whole process, and pyparsing is not safe to enter from
two threads: two first parses at once leave a parse action broken for good (`Param.postParse2() missing 1
required positional argument`, RDFLib/rdflib#1282). Every rdflib parse in this project goes through these
functions; the request paths (the endpoint's checks, the embedded and remote stores) parse no SPARQL with rdflib.
"""

from __future__ import annotations

import threading

from rdflib.plugins.sparql import prepareQuery, prepareUpdate
from rdflib.plugins.sparql.sparql import Query, Update

_LOCK = threading.Lock()


def prepare_query(text: str) -> Query:
    """rdflib's `prepareQuery` (parse and translate), one thread at a time; its errors pass through."""
    with _LOCK:
        return prepareQuery(text)


def prepare_update(text: str) -> Update:
    """rdflib's `prepareUpdate`, one thread at a time; its errors pass through."""
    with _LOCK:
        return prepareUpdate(text)


def parser_held() -> threading.Lock:
    """The lock no other thread parses with rdflib without: held while forking (the child's copy of the
    parser is never half-way through a parse, and its copy of the lock is free), or around a library that
    parses with rdflib itself (pyshacl). A plain lock, so it can be entered again and again."""
    return _LOCK
