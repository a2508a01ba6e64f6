"""POST /scan answers the `embargo scan --json` report, stamped and audited."""

from __future__ import annotations

import httpx

ARTICLE = (
    "Yesterday President Vladimir Putin met Bashar al-Assad in Moscow. "
    "Investigators say the talks covered money laundering through shell companies. "
    "Jane Examplewoman, a local baker, was not involved."
)


def test_scan_finds_listed_people_and_reports_like_the_cli(
    screen_client: httpx.Client, admin_client: httpx.Client
) -> None:
    response = screen_client.post("/scan", json={"text": ARTICLE})
    assert response.status_code == 200, response.text
    report = response.json()
    assert {"document", "entities", "unlisted", "risks", "list_versions", "engine"} <= set(report)
    captions = " ".join(e["caption"].upper() for e in report["entities"])
    assert "PUTIN" in captions and "ASSAD" in captions
    putin = next(e for e in report["entities"] if "PUTIN" in e["caption"].upper())
    mention = putin["mentions"][0]
    assert ARTICLE[mention["start"] : mention["end"]] == mention["text"]
    # The report's own list versions, the body stamp and the header agree.
    assert report["list_versions"] == report["versions"]
    header = dict(pair.split("=") for pair in response.headers["X-Embargo-Lists"].split(","))
    assert {k: int(v) for k, v in header.items()} == report["versions"]
    entry = next(
        e for e in admin_client.get("/audit", params={"limit": 20}).json()["entries"] if e["action"] == "scan"
    )
    assert entry["request"]["chars"] == len(ARTICLE)
    assert {e["id"] for e in entry["response"]["entities"]} == {e["id"] for e in report["entities"]}


def test_scan_of_blank_text_is_an_empty_report(screen_client: httpx.Client) -> None:
    report = screen_client.post("/scan", json={"text": "   "}).json()
    assert report["entities"] == [] and report["risks"] == []


def test_scan_of_a_wrong_declared_format_is_422_saying_why(screen_client: httpx.Client) -> None:
    response = screen_client.post("/scan", json={"text": "just prose", "format": "mt103"})
    assert response.status_code == 422
    assert "MT" in response.json()["detail"]
