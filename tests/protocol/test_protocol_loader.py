"""Reading protocol files: YAML problems, files, the installed seed file and its fingerprint."""

from __future__ import annotations

import hashlib
import importlib.resources
import pathlib

import pytest

from hepatrial.errors import ProtocolError
from hepatrial.protocol import (
    SEED_PROTOCOL_FILE,
    load_protocol,
    load_seed_protocol,
    parse_protocol,
    protocol_sha256,
    seed_protocol_path,
)


def _problems(text: str) -> list[str]:
    with pytest.raises(ProtocolError) as caught:
        parse_protocol(text)
    return list(caught.value.problems)


def test_seed_file_ships_inside_the_package() -> None:
    resource = importlib.resources.files("hepatrial.protocol") / SEED_PROTOCOL_FILE
    assert resource.is_file()
    assert seed_protocol_path() == pathlib.Path(str(resource))
    assert seed_protocol_path().parent.name == "protocol"


def test_seed_protocol_loads_to_the_same_value_as_its_file(seed_text: str) -> None:
    assert load_seed_protocol() == parse_protocol(seed_text)
    assert load_seed_protocol() == load_protocol(seed_protocol_path())


def test_yaml_syntax_error_names_line_and_column(seed_text: str) -> None:
    broken = seed_text.replace("allocation_ratio: [1, 1]", "allocation_ratio: [1, 1", 1)
    line = seed_text[: seed_text.index("allocation_ratio")].count("\n") + 1
    (found,) = _problems(broken)
    assert found.startswith(f"line {line + 1}, column 3: expected valid YAML, got a syntax error:")
    assert "flow sequence" in found


def test_repeated_key_is_a_problem_not_silently_the_last_value(seed_text: str) -> None:
    repeated = seed_text.replace(
        "  target_enrollment: 22\n", "  target_enrollment: 22\n  target_enrollment: 24\n", 1
    )
    line = seed_text[: seed_text.index("  target_enrollment")].count("\n") + 1
    assert _problems(repeated) == [
        f"line {line + 1}, column 3: expected each key once in a mapping, "
        f"got 'target_enrollment' again (first on line {line})"
    ]


def test_unsigned_exponents_read_as_numbers_as_in_yaml_1_2(seed_text: str) -> None:
    text = seed_text.replace("dose_per_kg: 1.0e+6", "dose_per_kg: 1e6", 1)
    text = text.replace("dose_per_kg: 3.0e+6", "dose_per_kg: 3.0E6", 1)
    protocol = parse_protocol(text)
    assert [arm.dose_per_kg for arm in protocol.arms] == [1.0e6, 3.0e6]


@pytest.mark.parametrize(
    ("text", "got"),
    [("", "nothing"), ("- a\n- b\n", "['a', 'b']"), ("just text\n", "'just text'")],
)
def test_a_file_that_is_not_a_mapping_of_sections_is_rejected(text: str, got: str) -> None:
    (found,) = _problems(text)
    assert found.startswith("<root>: expected a mapping of protocol sections (schema_version, ")
    assert found.endswith(f"got {got}")


def test_two_documents_in_one_file_are_rejected() -> None:
    assert _problems("a: 1\n---\nb: 2\n") == [
        "line 2, column 1: expected valid YAML, got a syntax error: expected a single document "
        "in the stream, but found another document"
    ]


def test_a_missing_file_is_a_protocol_error_naming_the_file(tmp_path: pathlib.Path) -> None:
    missing = tmp_path / "absent.yaml"
    with pytest.raises(ProtocolError) as caught:
        load_protocol(missing)
    assert caught.value.source == str(missing)
    assert caught.value.problems == (
        "<root>: expected a readable protocol file, got No such file or directory",
    )


def test_a_file_that_is_not_utf8_is_rejected(tmp_path: pathlib.Path) -> None:
    latin1 = tmp_path / "latin1.yaml"
    latin1.write_bytes("schema_version: 1\nname: é\n".encode("latin-1"))
    with pytest.raises(ProtocolError) as caught:
        load_protocol(latin1)
    assert caught.value.problems == (
        "<root>: expected UTF-8 text, got an invalid byte at offset 24",
    )


def test_error_message_lists_the_source_and_every_problem(seed_text: str) -> None:
    text = seed_text.replace("schema_version: 1", "schema_version: 2", 1)
    text = text.replace("  target_enrollment: 22", "  target_enrollment: -22", 1)
    with pytest.raises(ProtocolError) as caught:
        parse_protocol(text, source="trial.yaml")
    assert str(caught.value) == (
        "trial.yaml: 2 problem(s)\n"
        "  schema_version: expected one of 1, got 2\n"
        "  design.target_enrollment: expected a positive integer, got -22"
    )


def test_sha256_is_the_hash_of_the_file_bytes(tmp_path: pathlib.Path, seed_text: str) -> None:
    data = seed_protocol_path().read_bytes()
    expected = hashlib.sha256(data).hexdigest()
    assert protocol_sha256(seed_protocol_path()) == expected
    assert protocol_sha256(str(seed_protocol_path())) == expected
    assert protocol_sha256(data) == expected
    edited = tmp_path / "edited.yaml"
    edited.write_text(seed_text.replace('version: "1.0"', 'version: "1.1"', 1), "utf-8")
    assert protocol_sha256(edited) != expected
    assert len(expected) == 64


def test_sha256_of_a_missing_file_is_a_protocol_error(tmp_path: pathlib.Path) -> None:
    with pytest.raises(ProtocolError):
        protocol_sha256(tmp_path / "absent.yaml")
