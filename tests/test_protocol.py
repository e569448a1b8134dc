"""The SPARQL 1.1 Protocol without a socket: requests read, formats negotiated, datasets checked."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from exograph.errors import ProtocolError, QueryRefusedError
from exograph.server.protocol import QueryRequest, choose_format, negotiate, read_request

FORM = "application/x-www-form-urlencoded"
G1, G2 = "http://example.org/g1", "http://example.org/g2"


def test_get_post_form_and_post_direct_read_the_same_query():
    query = "SELECT * WHERE { ?s ?p ?o }"
    assert read_request("GET", urlencode({"query": query}), None, b"") == QueryRequest(query)
    assert read_request("POST", "", FORM, urlencode({"query": query}).encode()) == QueryRequest(query)
    assert read_request("POST", "", "application/sparql-query", query.encode()) == QueryRequest(query)
    assert read_request("POST", "", "application/sparql-query; charset=UTF-8", query.encode()) == QueryRequest(query)


def test_protocol_dataset_from_url_and_form():
    got = read_request("GET", urlencode([("query", "ASK {}"), ("default-graph-uri", G1), ("default-graph-uri", G2)]), None, b"")
    assert got == QueryRequest("ASK {}", (G1, G2), ())
    got = read_request("POST", urlencode({"named-graph-uri": G1}), "application/sparql-query", b"ASK {}")
    assert got == QueryRequest("ASK {}", (), (G1,))
    got = read_request("POST", urlencode({"default-graph-uri": G1}), FORM, b"query=ASK+%7B%7D&named-graph-uri=" + G2.encode())
    assert got == QueryRequest("ASK {}", (G1,), (G2,)) and got.names_dataset


def test_no_query_asks_for_the_service_description():
    assert read_request("GET", "", None, b"") is None


@pytest.mark.parametrize(
    "method, query_string, content_type, body",
    [
        ("POST", "", "application/sparql-update", b"CLEAR ALL"),
        ("POST", "", "application/sparql-update; charset=UTF-16", "CLEAR ALL".encode("utf-16")),
        ("POST", "", FORM, b"update=CLEAR+ALL"),
        ("POST", "update=CLEAR+ALL", FORM, b"query=ASK+%7B%7D"),
        ("GET", "update=CLEAR%20ALL", None, b""),
    ],
)
def test_updates_are_refused_by_every_route(method, query_string, content_type, body):
    with pytest.raises(QueryRefusedError, match="read-only"):
        read_request(method, query_string, content_type, body)


@pytest.mark.parametrize(
    "method, query_string, content_type, body, status, message",
    [
        ("PUT", "query=ASK%20%7B%7D", FORM, b"", 405, "PUT is not a SPARQL Protocol method"),
        ("GET", "query=ASK%20%7B%7D&query=SELECT%20%2A%20%7B%7D", None, b"", 400, "exactly one query"),
        ("POST", "", "text/plain", b"ASK {}", 415, "cannot read a POST of text/plain"),
        ("POST", "", None, b"query=ASK%20%7B%7D", 415, "needs a Content-Type"),
        ("POST", "", "application/sparql-query; charset=UTF-16", "ASK {}".encode("utf-16"), 415, "send it as UTF-8"),
        ("POST", "", "application/sparql-query", b"ASK { \xff }", 400, "not UTF-8"),
        ("POST", "", FORM, b"nothing=here", 400, "no 'query' field"),
        ("POST", "query=ASK%20%7B%7D", "application/sparql-query", b"ASK {}", 400, "not also in the URL"),
        ("GET", "query=%FF", None, b"", 400, "not UTF-8"),
    ],
)
def test_requests_the_protocol_does_not_allow(method, query_string, content_type, body, status, message):
    with pytest.raises(ProtocolError, match=message) as caught:
        read_request(method, query_string, content_type, body)
    assert caught.value.status == status


@pytest.mark.parametrize(
    "accept, offered, chosen",
    [
        (None, ["a/x", "b/y"], "a/x"),
        ("*/*", ["a/x", "b/y"], "a/x"),
        ("b/y", ["a/x", "b/y"], "b/y"),
        ("a/x;q=0.5, b/y", ["a/x", "b/y"], "b/y"),
        ("b/*;q=0.9, a/x;q=0.8", ["a/x", "b/y"], "b/y"),
        ("*/*;q=0.1, a/x;q=0", ["a/x", "b/y"], "b/y"),
        ("text/html, application/xhtml+xml", ["a/x", "b/y"], None),
        ("A/X", ["a/x"], "a/x"),
    ],
)
def test_negotiate(accept, offered, chosen):
    assert negotiate(accept, offered) == chosen


def test_formats_by_query_form():
    assert choose_format("SELECT", "text/tab-separated-values") == ("text/tab-separated-values", "tsv")
    assert choose_format("SELECT", None) == ("application/sparql-results+json", "json")
    assert choose_format("ASK", "application/sparql-results+xml") == ("application/sparql-results+xml", "xml")
    assert choose_format("CONSTRUCT", None) == ("text/turtle", "turtle")
    assert choose_format("DESCRIBE", "application/ld+json") == ("application/ld+json", "json-ld")
    with pytest.raises(ProtocolError, match="cannot answer ASK as text/csv; accept one of: application/sparql-results") as caught:
        choose_format("ASK", "text/csv")
    assert caught.value.status == 406
