# Violations planted in a synthetic graph from bench/generate.py, one or more per constraint kind the shapes
# use, for tests/test_shacl_sparql.py (the fast path must report exactly what pyshacl reports).
PREFIX ckg: <https://w3id.org/clusterkg/ontology#>
PREFIX syn: <https://w3id.org/clusterkg/resource/synthetic/>
PREFIX document: <https://w3id.org/clusterkg/resource/synthetic/document/>
PREFIX authorship: <https://w3id.org/clusterkg/resource/synthetic/authorship/>
PREFIX evidence: <https://w3id.org/clusterkg/resource/synthetic/evidence/>
PREFIX recommendation: <https://w3id.org/clusterkg/resource/synthetic/recommendation/>
PREFIX person: <https://w3id.org/clusterkg/resource/synthetic/person/>
PREFIX claim: <https://w3id.org/clusterkg/resource/synthetic/claim/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX fabio: <http://purl.org/spar/fabio/>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX bibo: <http://purl.org/ontology/bibo/>

DELETE DATA { GRAPH <https://w3id.org/clusterkg/graph/synthetic> {
    document:0 ckg:authorListComplete true .
    authorship:1-1 ckg:authorPosition 1 .
    authorship:2-1 ckg:authorPosition 1 .
    authorship:3-1 ckg:authorPosition 1 .
    evidence:0-1-1 ckg:rationale "Synthetic rationale 0.1.1"@en .
    evidence:0-1-1 ckg:evidenceKind ckg:Illustrates .
    recommendation:0-1 rdfs:label "Synthetic recommendation 0.1 to City People's Committee (Hanoi)"@en .
    recommendation:0-1 ckg:reportedIn document:0 .
} } ;
INSERT DATA { GRAPH <https://w3id.org/clusterkg/graph/synthetic> {
    document:1 fabio:hasPublicationYear "19x9"^^xsd:gYear .
    document:2 a ckg:Studdy ; ckg:notStated dcterms:creator ; dcterms:isPartOf person:1 .
    document:3 ckg:spelledWrong "x" ; bibo:volume 7 .
    authorship:1-1 ckg:authorPosition 0 .
    authorship:2-1 ckg:authorPosition "one"^^xsd:integer .
    authorship:3-1 ckg:authorPosition "1" , 2 .
    evidence:0-1-1 ckg:rationale "Synthetic rationale" , "Begründung"@de ; ckg:evidenceKind ckg:Supports , ckg:Maybe .
    recommendation:0-1 rdfs:label "Empfehlung"@de ; ckg:reportedIn document:1 ; dcterms:subject "competitiveness" .
    recommendation:0-2 ckg:hasItem recommendation:0-1-item-1 .
    person:1 foaf:name "One Name" .
    claim:0-1 ckg:hasQuote syn:nowhere .
} }
