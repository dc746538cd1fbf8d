"""Bad RDF input through the real CLI: every cut point of a Turtle, TriG and N-Triples file (a property
test: hypothesis runs each cut as an explicit example, then fuzzes with junk appended), XML entity bombs
and external entities, JSON-LD naming a context to fetch. Each is refused with one line
`file:line: cause` and exit 2, nothing is fetched, and nothing is stored."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import closing
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from clusterkg.kg.cli import main
from clusterkg.kg.config import PROJECT_ROOT, Settings
from clusterkg.kg.errors import display_path
from clusterkg.kg.store import open_store
from clusterkg.kg.store.base import StoreError
from clusterkg.kg.store.remote import RemoteStore

CORE = PROJECT_ROOT / "tests" / "data" / "core"
BAD = PROJECT_ROOT / "tests" / "data" / "badinput"
ONE_LINE = re.compile(r"(?P<file>[^\n:]+):(?P<line>[1-9][0-9]*): (?P<cause>[^\n]+)\n")
COMMANDS: dict[str, Callable[[str], list[str]]] = {
    "ingest": lambda path: ["ingest", path],
    "load --replace": lambda path: ["load", "--replace", path],
    "validate": lambda path: ["validate", path],
    "reason": lambda path: ["reason", path],
    "load": lambda path: ["load", path],
}


def write_config(folder: Path, store: str) -> Path:
    """A TOML config over the small core test ontology, with a `store` store under `folder`."""
    config = folder / "clusterkg.toml"
    config.write_text(
        "[clusterkg]\n"
        f'ontology_dir = "{CORE / "ontology"}"\n'
        f'queries_dir = "{CORE / "queries"}"\n'
        f'sources_manifest = "{CORE / "data" / "sources.ttl"}"\n'
        f'data_dir = "{folder / ".clusterkg"}"\n'
        f'store = "{store}"\n',
        encoding="utf-8",
    )
    return config


def run(config: Path, command: str, path: Path) -> Result:
    return CliRunner().invoke(main, ["--config", str(config), *COMMANDS[command](str(path))])


def assert_one_line_or_accepted(result: Result, path: Path, text: bytes) -> None:
    """The command either accepted the file (exit 0, or 1 for a check that failed) or refused it with
    exit 2 and exactly one line `file:line: cause` naming this file and a line it has; no traceback."""
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code in (0, 1, 2), result.output
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        assert result.stdout == ""
        refused = ONE_LINE.fullmatch(result.stderr)
        assert refused is not None, result.stderr
        assert refused["file"] == display_path(path)
        assert int(refused["line"]) <= text.count(b"\n") + 1


def run_cut(config: Path, command: str, name: str, cut: int, junk: bytes) -> None:
    """Run `command` on the first `cut` bytes of fixture `name` followed by `junk`, and check it."""
    text = (BAD / name).read_bytes()[:cut] + junk
    path = config.parent / name
    path.write_bytes(text)
    assert_one_line_or_accepted(run(config, command, path), path, text)


def every_cut(name: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Run the test for each prefix of the fixture `name` (every cut point, as explicit examples), then on
    prefixes with up to 8 random bytes appended (generated examples)."""
    size = len((BAD / name).read_bytes())

    def decorate(test: Callable[..., None]) -> Callable[..., None]:
        test = given(cut=st.integers(0, size), junk=st.binary(max_size=8))(test)
        for cut in range(size + 1):
            test = example(cut=cut, junk=b"")(test)
        return settings(
            max_examples=60,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture],
        )(test)

    return decorate


@pytest.fixture(scope="module")
def memory_config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_config(tmp_path_factory.mktemp("memory"), "memory")


@pytest.mark.parametrize("command", ["ingest", "load --replace", "validate"])
@every_cut("cut.ttl")
def test_every_cut_of_a_turtle_file_is_one_line(
    memory_config: Path, command: str, cut: int, junk: bytes
) -> None:
    run_cut(memory_config, command, "cut.ttl", cut, junk)


@pytest.mark.parametrize("command", ["load --replace", "validate"])
@every_cut("cut.trig")
def test_every_cut_of_a_trig_file_is_one_line(
    memory_config: Path, command: str, cut: int, junk: bytes
) -> None:
    run_cut(memory_config, command, "cut.trig", cut, junk)


@pytest.mark.parametrize("command", ["load --replace", "validate"])
@every_cut("cut.nt")
def test_every_cut_of_an_ntriples_file_is_one_line(
    memory_config: Path, command: str, cut: int, junk: bytes
) -> None:
    run_cut(memory_config, command, "cut.nt", cut, junk)


@pytest.fixture
def embedded(tmp_path: Path) -> Iterator[tuple[Path, Settings]]:
    """A config over an embedded store holding one loaded file, and settings to open that store."""
    config = write_config(tmp_path, "embedded")
    loaded = CliRunner().invoke(main, ["--config", str(config), "load", str(BAD / "cut.trig")])
    assert loaded.exit_code == 0, loaded.output
    yield config, Settings(data_dir=tmp_path / ".clusterkg", store="embedded")


def quads(settings: Settings) -> list[str]:
    """Every quad of the store, as sorted N-Quads lines."""
    with closing(open_store(settings)) as store:
        path = settings.data_dir / "snapshot.nq"
        store.dump(path, "nquads")
    return sorted(path.read_text(encoding="utf-8").splitlines())


def test_a_truncated_turtle_file_in_a_real_process_is_one_line_and_stores_nothing(
    embedded: tuple[Path, Settings], tmp_path: Path
) -> None:
    config, store_settings = embedded
    before = quads(store_settings)
    path = tmp_path / "cut.ttl"
    path.write_bytes(
        (BAD / "cut.ttl").read_bytes()[:234]
    )  # `ckr:study\/cut-2019 a ckg` and no more
    for command in ("ingest", "load --replace", "load", "validate"):
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "clusterkg.kg",
                "--config",
                str(config),
                *COMMANDS[command](str(path)),
            ],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            check=False,
        )
        assert (done.returncode, done.stdout) == (2, ""), (command, done.stderr)
        assert ONE_LINE.fullmatch(done.stderr), (command, done.stderr)
        assert done.stderr.startswith("cut.ttl:6: bad turtle syntax: ")
    assert quads(store_settings) == before


def test_an_iri_with_a_space_is_one_line_naming_its_line(
    embedded: tuple[Path, Settings], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config, store_settings = embedded
    before = quads(store_settings)
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "space.ttl"
    path.write_text(
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n\n"
        '<https://w3id.org/clusterkg/resource/study/a b> rdfs:label "A b" .\n',
        encoding="utf-8",
    )
    for command in ("ingest", "load --replace", "validate", "reason"):
        result = run(config, command, path)
        assert (result.exit_code, result.stdout) == (2, ""), command
        assert result.stderr == "space.ttl:3: bad turtle syntax: Invalid IRI code point ' '\n", (
            command
        )
    loaded = run(config, "load", path)  # the embedded store's own parser reads the file
    assert (loaded.exit_code, loaded.stdout) == (2, "")
    assert loaded.stderr.startswith("space.ttl:3: bad turtle syntax: Invalid IRI code point ' '")
    assert ONE_LINE.fullmatch(loaded.stderr)
    assert quads(store_settings) == before


# -- RDF/XML entities ------------------------------------------------------------------------------------

RDF_XML = (
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"\n'
    '         xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">\n'
    '  <rdf:Description rdf:about="https://example.org/x"><rdfs:label>{body}</rdfs:label>'
    "</rdf:Description>\n</rdf:RDF>\n"
)


def laughs(levels: int) -> str:
    """A "billion laughs" RDF/XML file: each entity ten copies of the one before, `levels` deep."""
    entities = ['<!ENTITY lol0 "lollollollollollollollollollol">']
    entities += [f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, levels + 1)]
    doctype = "<!DOCTYPE rdf:RDF [\n" + "\n".join(entities) + "\n]>\n"
    return '<?xml version="1.0"?>\n' + doctype + RDF_XML.format(body=f"&lol{levels};")


XML_FILES = {  # name -> (text, the declaration the refusal names)
    "laughs-1.rdf": (laughs(1), "<!ENTITY lol0>"),
    "laughs-9.rdf": (laughs(9), "<!ENTITY lol0>"),
    "xxe.owl": (
        '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n'
        '  <!ENTITY xxe SYSTEM "file:///etc/passwd">\n]>\n' + RDF_XML.format(body="&xxe;"),
        "<!ENTITY xxe SYSTEM 'file:///etc/passwd'>",
    ),
}


@pytest.mark.timeout(120)  # an expanding parser would run for minutes, or until memory runs out
@pytest.mark.parametrize("name", sorted(XML_FILES))
def test_xml_entities_are_refused_by_every_command_and_nothing_is_stored(
    embedded: tuple[Path, Settings], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    config, store_settings = embedded
    before = quads(store_settings)
    monkeypatch.chdir(tmp_path)
    text, declaration = XML_FILES[name]
    line = (
        f"{name}:3: RDF/XML entity declarations are refused ({declaration}): "
        "write its text out in the file"
    )
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    for command in ("load", "load --replace", "validate", "reason"):
        result = run(config, command, path)
        assert (result.exit_code, result.stdout, result.stderr) == (2, "", line + "\n"), command
    assert quads(store_settings) == before


@pytest.mark.timeout(120)
@pytest.mark.parametrize("levels", [1, 9])
def test_a_remote_store_answering_with_an_xml_bomb_is_refused(levels: int) -> None:
    body = laughs(levels).encode()

    class Hostile(BaseHTTPRequestHandler):
        """A SPARQL server that answers every query with a "billion laughs" RDF/XML document."""

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(200)
            self.send_header("Content-Type", "application/rdf+xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            """Quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hostile)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/query"
    try:
        with pytest.raises(StoreError) as caught:
            RemoteStore(url, retries=0).query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    finally:
        server.shutdown()
        server.server_close()
    assert str(caught.value) == (
        f"{url} sent an unreadable application/rdf+xml answer: RDF/XML entity declarations are "
        "refused (<!ENTITY lol0>): write its text out in the file"
    )


def test_plain_rdf_xml_is_read(embedded: tuple[Path, Settings], tmp_path: Path) -> None:
    config, store_settings = embedded
    path = tmp_path / "plain.rdf"
    path.write_text('<?xml version="1.0"?>\n' + RDF_XML.format(body="Plain"), encoding="utf-8")
    result = run(config, "load --replace", path)
    assert result.exit_code == 0, result.output
    assert '<https://example.org/x> <http://www.w3.org/2000/01/rdf-schema#label> "Plain" ' in (
        "\n".join(quads(store_settings))
    )


def test_an_xml_catalog_with_entities_is_refused(tmp_path: Path, core_dir: Path) -> None:
    (core_dir / "ontology" / "catalog-v001.xml").write_text(laughs(3), encoding="utf-8")
    config = tmp_path / "clusterkg.toml"
    config.write_text(
        f'[clusterkg]\nontology_dir = "{core_dir / "ontology"}"\nstore = "memory"\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        main, ["--config", str(config), "validate", str(CORE / "data" / "example-clusters.ttl")]
    )
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.startswith(
        f"{display_path(core_dir / 'ontology' / 'catalog-v001.xml')}: XML catalog refused: "
        "DTD entities and external references are not read (EntitiesForbidden(name='lol0'"
    )


# -- JSON-LD contexts ------------------------------------------------------------------------------------


@pytest.fixture
def listener() -> Iterator[tuple[int, Callable[[], list[object]]]]:
    """A TCP listener on 127.0.0.1: its port, and a function answering every connection it received."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.1)
    received: list[object] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                connection, address = server.accept()
            except TimeoutError:
                continue
            received.append(address)
            connection.close()  # a parser that connected gets no context and fails at once

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()

    def connections() -> list[object]:
        stop.set()
        thread.join()
        server.setblocking(False)
        while True:  # connections the thread had not taken yet are waiting in the backlog
            try:
                received.append(server.accept()[1])
            except BlockingIOError:
                return received

    with closing(server):
        yield server.getsockname()[1], connections


def jsonld_files(port: int) -> dict[str, tuple[str, str]]:
    """name -> (JSON-LD text naming a context at the listener, the line that refuses it)."""
    remote = f"http://127.0.0.1:{port}/context.jsonld"
    node = '  "@id": "https://example.org/x",\n  "name": "X"\n}\n'
    inline = '{"name": "http://www.w3.org/2000/01/rdf-schema#label"}'
    refused = "JSON-LD {key} '{iri}' is refused: nothing is fetched; put the context in the file"
    return {
        "string.jsonld": (
            f'{{\n  "@context": "{remote}",\n{node}',
            f"string.jsonld:2: {refused.format(key='@context', iri=remote)}",
        ),
        "list.jsonld": (
            f'{{\n  "@context": [\n    {inline},\n    "{remote}"\n  ],\n{node}',
            f"list.jsonld:4: {refused.format(key='@context', iri=remote)}",
        ),
        "import.jsonld": (
            f'{{\n  "@context": {{\n    "@version": 1.1,\n    "@import": "{remote}"\n  }},\n{node}',
            f"import.jsonld:4: {refused.format(key='@import', iri=remote)}",
        ),
        "scoped.jsonld": (
            (
                '{\n  "@context": {"@version": 1.1, "knows": {"@id": "http://xmlns.com/foaf/0.1/knows",\n'
                f'    "@context": "{remote}"}}}},\n'
                '  "@id": "https://example.org/x",\n  "knows": {"@id": "https://example.org/y"}\n}\n'
            ),
            f"scoped.jsonld:3: {refused.format(key='@context', iri=remote)}",
        ),
    }


@pytest.mark.parametrize("name", ["string.jsonld", "list.jsonld", "import.jsonld", "scoped.jsonld"])
def test_a_remote_jsonld_context_is_never_fetched(
    embedded: tuple[Path, Settings],
    listener: tuple[int, Callable[[], list[object]]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
) -> None:
    config, store_settings = embedded
    before = quads(store_settings)
    port, connections = listener
    monkeypatch.chdir(tmp_path)
    text, line = jsonld_files(port)[name]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    for command in ("load", "load --replace", "validate", "reason"):
        result = run(config, command, path)
        assert (result.exit_code, result.stdout, result.stderr) == (2, "", line + "\n"), command
    assert connections() == []
    assert quads(store_settings) == before


def test_jsonld_with_its_context_inline_is_read(
    embedded: tuple[Path, Settings], tmp_path: Path
) -> None:
    config, store_settings = embedded
    path = tmp_path / "inline.jsonld"
    path.write_text(
        '{"@context": {"label": "http://www.w3.org/2000/01/rdf-schema#label"},\n'
        ' "@id": "https://example.org/x", "label": "Inline"}\n',
        encoding="utf-8",
    )
    result = run(config, "load --replace", path)
    assert result.exit_code == 0, result.output
    assert '<https://example.org/x> <http://www.w3.org/2000/01/rdf-schema#label> "Inline" ' in (
        "\n".join(quads(store_settings))
    )
