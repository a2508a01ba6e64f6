"""What OFAC's three publications (legacy CSV, XML, enhanced XML) have in common.

OFAC states identifiers and facts as labelled features: in the CSV inside the
free-text Remarks ("DOB 11 Aug 1975; POB Acton, United Kingdom; Passport
123 (Iran)"), in the XML as ``idType``/``idNumber`` pairs, in the enhanced
XML as typed features and documents. One label table maps all three onto
model properties, so the same person gets the same properties whichever
file the user downloaded.
"""

from __future__ import annotations

import re

from embargo.model import AIRCRAFT, ORGANIZATION, PERSON, VESSEL, Entity, Relation
from embargo.sources.countries import country_code, split_countries
from embargo.sources.dates import parse_dates

DATASET_SDN = "us_ofac_sdn"
DATASET_CONS = "us_ofac_cons"

SCHEMA_BY_TYPE = {
    "individual": PERSON,
    "vessel": VESSEL,
    "aircraft": AIRCRAFT,
    "entity": ORGANIZATION,
    "": ORGANIZATION,
    "-0-": ORGANIZATION,
}

# Feature labels (lower case, "alt. " removed) -> property. Longest labels
# are tried first when matching the start of a Remarks segment.
LABELS: dict[str, str] = {
    "dob": "birthDate",
    "birthdate": "birthDate",
    "pob": "birthPlace",
    "place of birth": "birthPlace",
    "nationality": "nationality",
    "nationality country": "nationality",
    "citizen": "citizenship",
    "citizenship country": "citizenship",
    "nationality of registration": "jurisdiction",
    "gender": "gender",
    "passport": "passportNumber",
    "diplomatic passport": "passportNumber",
    "national id no.": "idNumber",
    "identification number": "idNumber",
    "cedula no.": "idNumber",
    "c.u.r.p.": "idNumber",
    "curp #": "idNumber",
    "ssn": "idNumber",
    "d.n.i.": "idNumber",
    "nit #": "taxNumber",
    "ruc #": "taxNumber",
    "r.f.c.": "taxNumber",
    "rfc": "taxNumber",
    "tax id no.": "taxNumber",
    "v.a.t. number": "taxNumber",
    "registration number": "registrationNumber",
    "registration id": "registrationNumber",
    "business registration number": "registrationNumber",
    "business registration document #": "registrationNumber",
    "commercial registry number": "registrationNumber",
    "public registration number": "registrationNumber",
    "company number": "registrationNumber",
    "government gazette number": "registrationNumber",
    "legal entity number": "registrationNumber",
    "unified social credit code (uscc)": "registrationNumber",
    "c.r. no.": "registrationNumber",
    "trade license no.": "registrationNumber",
    "folio mercantil no.": "registrationNumber",
    "matricula mercantil no": "registrationNumber",
    "economic register number (crn)": "registrationNumber",
    "swift/bic": "swiftBic",
    "email address": "email",
    "website": "website",
    "phone number": "phone",
    "organization established date": "incorporationDate",
    "vessel registration identification": "imoNumber",
    "imo": "imoNumber",
    "mmsi": "mmsi",
    "vessel call sign": "callSign",
    "vessel flag": "flag",
    "other vessel flag": "flag",
    "vessel type": "type",
    "vessel year of build": "buildDate",
    "aircraft manufacturer's serial number (msn)": "serialNumber",
    "aircraft construction number (also called l/n or s/n or f/n)": "serialNumber",
    "aircraft model": "model",
    "aircraft tail number": "registrationNumber",
    "aircraft manufacture date": "buildDate",
    "aircraft operator": "owner",
}
_LABEL_RE = re.compile(
    r"(?:alt\.\s*)?("
    + "|".join(re.escape(label) for label in sorted(LABELS, key=len, reverse=True))
    + r")(?![\w])",
    re.IGNORECASE,
)
_ID_PROPS = {
    "passportNumber",
    "idNumber",
    "taxNumber",
    "registrationNumber",
    "swiftBic",
    "serialNumber",
    "imoNumber",
    "mmsi",
    "callSign",
}
_COUNTRY_PROPS = {"nationality", "citizenship", "country", "flag", "jurisdiction"}
_DATE_PROPS = {"birthDate", "incorporationDate", "buildDate", "listingDate", "deathDate"}
# Trailing qualifiers of an identifier: "(Iran) issued 15 May 2018 expires 14 May 2023".
_ID_TAIL = re.compile(
    r"\s*(?:\(([^()]*)\))?\s*(?:\b(?:issued|expires|Issue Date|Expiration Date)\b.*)?$", re.I
)

# Quoted names in Remarks are OFAC's "weak" a.k.a.s (strong ones are in the
# alias file / akaList). A weak former name stays a previous name: the model
# has no weak variant of it, and the XML publication does the same.
_REMARKS_NAME_PROPS = {"a": "weakAlias", "f": "previousName", "n": "weakAlias"}


def prop_for_label(label: str) -> str | None:
    key = " ".join(label.casefold().split())
    key = re.sub(r"^alt\.\s*", "", key).rstrip(":")
    prop = LABELS.get(key)
    if prop:
        return prop
    if key.endswith(("no.", "number", "#")):
        return "idNumber"
    return None


def add_value(entity: Entity, prop: str, value: str, source: str) -> None:
    """Add one feature value, cleaning it the way its property needs."""
    value = " ".join(value.split()).strip(" .;")
    if not value:
        return
    if prop in _DATE_PROPS:
        dates = parse_dates(value)
        if not dates and prop == "birthDate":
            return
        for date in dates:
            entity.add(prop, date.value, source, original=date.original, qualifier=date.qualifier)
        return
    if prop in _COUNTRY_PROPS:
        for part in split_countries(value):
            code = country_code(part)
            entity.add(prop, code or part, source, original=part if code else None)
        return
    if prop == "gender":
        entity.add(prop, value.casefold(), source, original=value)
        return
    if prop == "imoNumber":
        digits = re.sub(r"\D", "", value)
        if len(digits) == 7:
            entity.add(prop, f"IMO{digits}", source, original=value)
        return
    if prop in _ID_PROPS:
        m = _ID_TAIL.search(value)
        number = value[: m.start()].strip() if m and m.start() > 0 else value
        entity.add(prop, number, source, original=value)
        return
    entity.add(prop, value, source)


def apply_remarks(
    entity: Entity, remarks: str, source: str, strong_names: frozenset[str] = frozenset()
) -> None:
    """Read the labelled facts out of an OFAC Remarks text.

    OFAC gives weak a.k.a.s (too broad to screen on alone, e.g. a nickname)
    only in Remarks, quoted. A quoted name that is also one of the record's
    strong aliases (``strong_names``, casefolded) is left to that strong
    alias rather than recorded twice with two strengths.
    """
    entity.add("notes", remarks, source)
    for segment in remarks.split(";"):
        segment = " ".join(segment.split()).strip()
        if not segment:
            continue
        m = re.match(r"^([afn])\.k\.a\.,?\s*'(.+)'\.?$", segment)
        if m:
            prop = _REMARKS_NAME_PROPS[m[1]]
            if not (prop == "weakAlias" and m[2].casefold() in strong_names):
                entity.add(prop, m[2], source)
            continue
        m = re.match(r"^Linked To:\s*(.+?)\.?$", segment)
        if m:
            entity.relate(Relation("linked", m[1], label="Linked To", source=source))
            continue
        m = _LABEL_RE.match(segment)
        if m:
            add_value(entity, LABELS[m[1].casefold()], segment[m.end() :].strip(" :-"), source)


def split_programs(text: str) -> list[str]:
    """ "SYRIA] [SYRIA-EO13894" (CSV column) or "[SDGT] [IRGC]" -> program codes."""
    return [p.strip() for p in re.split(r"\]\s*\[|\[|\]", text) if p.strip()]


def person_name_parts(entity: Entity, name: str, source: str) -> None:
    """OFAC writes persons "LAST, First Middle": record the parts as well."""
    if "," not in name:
        return
    last, first = (part.strip() for part in name.split(",", 1))
    entity.add("lastName", last, source)
    entity.add("firstName", first, source)


def country_value(entity: Entity, prop: str, text: str | None, source: str) -> None:
    if text:
        code = country_code(text)
        entity.add(prop, code or text, source, original=text if code else None)
