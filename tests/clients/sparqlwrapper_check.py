"""A third-party SPARQL client (SPARQLWrapper, PyPI) against a live socialgraf
endpoint. Prints one line per check, `name<TAB>value`, for the Rust test
`serve::a_third_party_client_gets_the_same_answers` to compare with
`socialgraf query`/`sparql` on the same store.

Usage: python sparqlwrapper_check.py http://127.0.0.1:PORT/query
"""

import sys

from SPARQLWrapper import CSV, GET, JSON, POST, TURTLE, SPARQLWrapper

endpoint = sys.argv[1]

persons = SPARQLWrapper(endpoint)
persons.setQuery(
    "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a <http://xmlns.com/foaf/0.1/Person> }"
)
persons.setReturnFormat(JSON)
persons.setMethod(GET)
rows = persons.query().convert()["results"]["bindings"]
print("persons\t" + rows[0]["n"]["value"])

ask = SPARQLWrapper(endpoint)
ask.setQuery("ASK { ?m a <http://www.w3.org/ns/org#Membership> }")
ask.setReturnFormat(JSON)
ask.setMethod(POST)
print("ask\t" + str(ask.query().convert()["boolean"]).lower())

csv = SPARQLWrapper(endpoint)
csv.setQuery(
    "SELECT ?name WHERE { ?p <http://xmlns.com/foaf/0.1/name> ?name } ORDER BY ?name LIMIT 3"
)
csv.setReturnFormat(CSV)
lines = csv.query().convert().decode("utf-8").splitlines()
print("names\t" + "|".join(lines[1:]))

construct = SPARQLWrapper(endpoint)
construct.setQuery(
    "CONSTRUCT { ?i a <https://w3id.org/socialgraf/ns#Initiative> } "
    "WHERE { ?i a <https://w3id.org/socialgraf/ns#Initiative> }"
)
construct.setReturnFormat(TURTLE)
graph = construct.query().convert()
print("initiatives\t" + str(graph.count(b"\n") if isinstance(graph, bytes) else len(graph)))
