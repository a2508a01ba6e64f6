from __future__ import annotations

import pytest

from embargo.sources import SourceError, detect, parse

HEADER = "id,schema,name,alias,birth_date,nationality,country,id_number,program,notes\n"


def test_internal_list_rows_become_entities(tmp_path):
    path = tmp_path / "mine.csv"
    path.write_text(
        HEADER
        + "c-001,Person,Jane Example,J. Example;Джейн Экзампл,1970-02-03;circa 1971,Syria;gb,,P123,former client,exited\n"
        + "c-002,company,Acme Ltd,,,,Iran,,,\n",
        encoding="utf-8",
    )
    assert detect([path]) == "custom_csv"
    result = parse(path)
    assert result.dataset == "internal"
    jane, acme = list(result.entities)
    assert jane.id == "internal-c-001"
    assert jane.get("alias") == ["J. Example", "Джейн Экзампл"]
    assert [s.lang for s in jane.statements if s.prop == "alias"] == [None, "rus"]
    assert {(s.value, s.qualifier) for s in jane.statements if s.prop == "birthDate"} == {
        ("1970-02-03", None),
        ("1971", "circa"),
    }
    assert jane.get("nationality") == ["sy", "gb"]
    assert jane.get("idNumber") == ["P123"]
    assert acme.schema == "Company" and acme.get("country") == ["ir"]


def test_dataset_option_prefixes_ids(tmp_path):
    path = tmp_path / "mine.csv"
    path.write_text(HEADER + "7,Person,A B,,,,,,,\n")
    assert next(parse(path, dataset="pep").entities).id == "pep-7"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("id,schema,alias\n1,Person,x\n", "lacks column"),
        (HEADER + "1,Robot,A,,,,,,,\n", "unknown schema"),
        (HEADER + "1,Person,A,,not a date,,,,,\n", "not a date"),
        (HEADER + "1,Person,A,,,,,,,\n1,Person,B,,,,,,,\n", "appears twice"),
    ],
)
def test_bad_rows_are_reported_with_position(tmp_path, body, message):
    path = tmp_path / "mine.csv"
    path.write_text(body)
    with pytest.raises(SourceError, match=rf"mine\.csv:row \d+: .*{message}"):
        list(parse(path, format="custom_csv").entities)


def test_the_documented_example_parses(tmp_path):
    from embargo.sources import custom_csv

    doc = custom_csv.__doc__ or ""
    example = doc.split("Example::", 1)[1].strip().splitlines()
    path = tmp_path / "example.csv"
    path.write_text("\n".join(line.strip() for line in example) + "\n")
    (entity,) = list(parse(path).entities)
    assert entity.id == "internal-c-001"
    assert entity.get("alias") == ["J. Example", "Jane Exemple"]


def test_columns_may_come_in_any_order(tmp_path):
    path = tmp_path / "mine.csv"
    path.write_text("name,id,nationality\nJohn Roe,42,Iran\n")
    assert detect(path) == "custom_csv"
    entity = next(parse(path).entities)
    assert (entity.id, entity.schema, entity.get("nationality")) == ("internal-42", "LegalEntity", ["ir"])
