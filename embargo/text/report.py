"""The result of screening one document, and its terminal and JSON forms.

JSON shape (``embargo scan --json``; stable, additive changes only)::

    {
      "document": {"source": str, "format": "text|html|mt103|pacs008", "chars": int,
                   "parties": [{"field", "role", "name", "bic", "country", "start", "end"}]},
                                        # parties: payments only, every party read
      "entities": [                     # listed parties the document names
        {"id": str,                     # primary list entry (best score)
         "caption": str, "schema": str,
         "datasets": [str],             # every list the party is on
         "programs": [str],             # sanctions programmes / regimes
         "score": float, "match": true,
         "other_ids": [str],            # the same party's entries in other lists
         "mentions": [
           {"text": str, "start": int, "end": int,   # text[start:end] == text
            "method": "dictionary|fuzzy|ner|link|field|identifier",
                                        # field: a payment party found by its BIC;
                                        # identifier: a vessel by IMO number
            "field": str,               # payments only: "59", "Cdtr", "70"...
            "title": str,               # "Ms", "President"... when present
            "linked_to": int,           # link only: index of the mention it rests on
            "chain": [str],             # link only: this text ... full name
            "reason": str}],            # link only: why the link was made
         "explanation": {...},          # the name matcher's explanation
         "alternatives": [{"id", "caption", "score"}]}],  # other parties the name
                                        # also fits (namesakes), ranked lower
      "unlisted": [                     # people/organisations named but not listed
        {"text": str, "label": "PERSON|ORG", "mentions": [...],
         "best_candidate": {"id": str, "caption": str, "score": float} | null}],
      "ambiguous": [                    # short forms that fit several listed people
        {"text": str, "mentions": [...], "candidates": [{"id", "caption", "score"}]}],
      "risks": [                        # category: sanctions, asset_freeze, travel_ban,
                                        # sanctions_evasion, corruption, fraud,
                                        # money_laundering, terrorism, organised_crime,
                                        # human_rights_abuse, war_crimes
        {"category": str, "sentence": str, "start": int, "end": int,
         "keywords": [str],
         "entity": str | null,          # the listed party the sentence is about
         "entities": [str]}],           # every listed party mentioned in it
      "list_versions": {dataset: version},
      "engine": {"version": str, "ner": bool, "ner_model": str | null, "notes": [str]}
    }
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from json.encoder import encode_basestring
from typing import Any

from rich.console import Console
from rich.markup import escape


@dataclass
class MentionOut:
    text: str
    start: int
    end: int
    method: str
    field: str | None = None
    title: str | None = None
    linked_to: int | None = None
    chain: list[str] | None = None
    reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "method": self.method,
        }
        for key in ("field", "title", "linked_to", "chain", "reason"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        return data


@dataclass
class Candidate:
    id: str
    caption: str
    score: float

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "caption": self.caption, "score": round(self.score, 4)}


@dataclass
class ListedEntity:
    id: str
    caption: str
    schema: str
    datasets: list[str]
    programs: list[str]
    score: float
    mentions: list[MentionOut]
    explanation: dict[str, Any]
    other_ids: list[str] = field(default_factory=list)
    alternatives: list[Candidate] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "caption": self.caption,
            "schema": self.schema,
            "datasets": self.datasets,
            "programs": self.programs,
            "score": round(self.score, 4),
            "match": True,
            "other_ids": self.other_ids,
            "mentions": [m.to_dict() for m in self.mentions],
            "explanation": self.explanation,
            "alternatives": [c.to_dict() for c in self.alternatives],
        }


@dataclass
class UnlistedName:
    text: str
    label: str
    mentions: list[MentionOut]
    best_candidate: Candidate | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "label": self.label,
            "mentions": [m.to_dict() for m in self.mentions],
            "best_candidate": self.best_candidate.to_dict() if self.best_candidate else None,
        }


@dataclass
class AmbiguousName:
    text: str
    mentions: list[MentionOut]
    candidates: list[Candidate]

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "mentions": [m.to_dict() for m in self.mentions],
            "candidates": [c.to_dict() for c in self.candidates],
        }


@dataclass
class RiskOut:
    category: str
    sentence: str
    start: int
    end: int
    keywords: list[str]
    entity: str | None
    entities: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "sentence": self.sentence,
            "start": self.start,
            "end": self.end,
            "keywords": self.keywords,
            "entity": self.entity,
            "entities": self.entities,
        }


@dataclass
class ScanReport:
    source: str
    format: str
    text: str
    entities: list[ListedEntity]
    unlisted: list[UnlistedName]
    ambiguous: list[AmbiguousName]
    risks: list[RiskOut]
    list_versions: dict[str, Any]
    engine: dict[str, Any]
    parties: list[dict[str, Any]] = field(default_factory=list)  # payments: every party read

    def to_dict(self) -> dict[str, Any]:
        document: dict[str, Any] = {"source": self.source, "format": self.format, "chars": len(self.text)}
        if self.parties:
            document["parties"] = self.parties
        return {
            "document": document,
            "entities": [e.to_dict() for e in self.entities],
            "unlisted": [u.to_dict() for u in self.unlisted],
            "ambiguous": [a.to_dict() for a in self.ambiguous],
            "risks": [r.to_dict() for r in self.risks],
            "list_versions": self.list_versions,
            "engine": self.engine,
        }

    def to_json(self, record_id: str | None = None) -> str:
        """``json.dumps(({"id": record_id} if record_id is not None else {}) | self.to_dict(), ensure_ascii=False)``.

        The same characters, built faster: a batch of payment messages
        encodes one report per message, and a generic encoding of the
        largely constant record (list versions, engine, empty sections)
        costs as much as screening the message. Sections are encoded one by
        one, the parties (flat objects of strings and numbers) by hand, and
        the list versions and engine are encoded once while they stay the same.
        """
        head = "{"
        if record_id is not None:
            head = '{"id": ' + _json_value(record_id) + ", "
        document = (
            '"document": {"source": '
            + _json_value(self.source)
            + ', "format": '
            + _json_value(self.format)
            + ', "chars": '
            + str(len(self.text))
        )
        if self.parties:
            document += ', "parties": [' + ", ".join(map(_flat_object, self.parties)) + "]"
        return "".join(
            (
                head,
                document,
                '}, "entities": ',
                _json_items(self.entities),
                ', "unlisted": ',
                _json_items(self.unlisted),
                ', "ambiguous": ',
                _json_items(self.ambiguous),
                ', "risks": ',
                _json_items(self.risks),
                _TAIL.encoded(self.list_versions, self.engine),
            )
        )

    @property
    def flagged(self) -> bool:
        """True when the document names a listed party."""
        return bool(self.entities)


# The encoding ``json.dumps(..., ensure_ascii=False)`` uses.
_ENCODE = json.JSONEncoder(ensure_ascii=False).encode


def _json_value(value: Any) -> str:
    return encode_basestring(value) if type(value) is str else _ENCODE(value)


def _json_items(items: list[Any]) -> str:
    return "[" + ", ".join(_ENCODE(item.to_dict()) for item in items) + "]" if items else "[]"


def _flat_object(obj: dict[str, Any]) -> str:
    """A dict of strings and integers (a payment party) as ``json.dumps`` writes it."""
    parts = []
    for key, value in obj.items():
        prefix = _KEY_PREFIXES.get(key)
        if prefix is None:
            if type(key) is not str or len(_KEY_PREFIXES) > 1000:
                return _ENCODE(obj)
            prefix = _KEY_PREFIXES[key] = encode_basestring(key) + ": "
        kind = type(value)
        if kind is str:
            parts.append(prefix + encode_basestring(value))
        elif kind is int:
            parts.append(prefix + int.__repr__(value))
        else:
            parts.append(prefix + _ENCODE(value))
    return "{" + ", ".join(parts) + "}"


_KEY_PREFIXES: dict[str, str] = {}


class _Tail:
    """The encoded ``"list_versions"`` and ``"engine"`` members, kept while they stay equal.

    Equal is taken strictly enough for JSON: the top-level values must also
    have the same types (``True == 1`` but encodes differently); nested
    values are lists of strings in every report this package builds.
    """

    def __init__(self) -> None:
        self._key: tuple[Any, ...] | None = None
        self._encoded = ""

    def encoded(self, list_versions: dict[str, Any], engine: dict[str, Any]) -> str:
        key = self._key
        if (
            key is not None
            and key[0] == list_versions
            and key[1] == engine
            and key[2] == tuple(map(type, list_versions.values()))
            and key[3] == tuple(map(type, engine.values()))
        ):
            return self._encoded
        encoded = ', "list_versions": ' + _ENCODE(list_versions) + ', "engine": ' + _ENCODE(engine) + "}"
        self._key = (
            json.loads(_ENCODE(list_versions)),
            json.loads(_ENCODE(engine)),
            tuple(map(type, list_versions.values())),
            tuple(map(type, engine.values())),
        )
        self._encoded = encoded
        return encoded


_TAIL = _Tail()


def render_terminal(report: ScanReport, console: Console) -> None:
    """A readable summary: who is listed (with evidence), who is not, what risk."""
    doc = f"{report.source} ({report.format}, {len(report.text):,} chars)"
    console.print(f"[bold]Screened[/bold] {escape(doc)}")
    for party in report.parties:
        shown = party["name"] or party.get("bic", "")
        console.print(f"  field {escape(party['field'])} ({escape(party['role'])}): {escape(shown)}")
    if not report.engine.get("ner"):
        for note in report.engine.get("notes", []):
            console.print(f"[yellow]note:[/yellow] {escape(note)}")
    console.print()
    if report.entities:
        console.print(f"[bold red]Listed parties named ({len(report.entities)})[/bold red]")
    else:
        console.print("[bold green]No listed party named.[/bold green]")
    for ent in report.entities:
        lists = ", ".join([ent.id, *ent.other_ids])
        console.print(
            f"  [bold]{escape(ent.caption)}[/bold] ({ent.schema}) score {ent.score:.2f} — {escape(lists)}"
        )
        if ent.programs:
            console.print(f"    programmes: {escape('; '.join(ent.programs[:6]))}")
        for m in ent.mentions:
            where = f"[{m.start}:{m.end}]"
            extra = f" field {m.field}" if m.field else ""
            if m.method == "link" and m.chain:
                how = " → ".join(m.chain)
                console.print(f"    {where} {escape(repr(m.text))} link: {escape(how)}{escape(extra)}")
            else:
                console.print(f"    {where} {escape(repr(m.text))} {m.method}{escape(extra)}")
    if report.ambiguous:
        console.print()
        console.print("[bold yellow]Ambiguous short forms (not attributed)[/bold yellow]")
        for amb in report.ambiguous:
            names = ", ".join(f"{c.caption} ({c.id})" for c in amb.candidates[:4])
            console.print(f"  {escape(repr(amb.text))} ×{len(amb.mentions)} could be: {escape(names)}")
    if report.unlisted:
        console.print()
        console.print(f"[bold]Named but not listed ({len(report.unlisted)})[/bold]")
        for un in report.unlisted:
            near = ""
            if un.best_candidate:
                near = f" (closest: {un.best_candidate.caption} {un.best_candidate.score:.2f})"
            console.print(f"  {escape(un.text)} [{un.label}] ×{len(un.mentions)}{escape(near)}")
    console.print()
    if report.risks:
        console.print(f"[bold]Risk signals ({len(report.risks)})[/bold]")
        captions = {e.id: e.caption for e in report.entities}
        for risk in report.risks:
            who = f" → {captions.get(risk.entity, risk.entity)}" if risk.entity else ""
            console.print(
                f"  [magenta]{risk.category}[/magenta]{escape(who)}: {escape(_clip(risk.sentence))}"
            )
    else:
        console.print("No risk signals.")
    versions = ", ".join(f"{k} v{v}" for k, v in report.list_versions.items())
    console.print(f"[dim]lists: {escape(versions)}[/dim]")


def _clip(text: str, width: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"
