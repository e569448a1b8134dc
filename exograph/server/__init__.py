"""``exograph serve``: a read-only SPARQL 1.1 endpoint and the explorer, in one process.

    http.py       the HTTP process: routing, the explorer's files, start and stop
    protocol.py   the SPARQL 1.1 Protocol: requests read, formats negotiated, service description
    engine.py     what a worker does: datasets, evaluation, results serialized under the limits
    api.py        the explorer's JSON API (the CLI's JSON contracts)
    workers.py    the pool of forked worker processes and their time limit
    response.py   responses and the HTTP status of each error

Imports flow one way: ``http`` uses the others, ``engine`` uses ``api``, ``protocol`` and
``response``, and only the CLI imports this package.
"""

from __future__ import annotations

from exograph.server.engine import Limits
from exograph.server.http import Server

__all__ = ["Limits", "Server"]
