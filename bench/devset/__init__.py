"""The name-matching development set: construction rules, kept as code.

``build_devset(entities, seed)`` returns labelled :class:`Pair` objects by
category; ``python -m bench.devset`` writes a frozen copy to
``bench/out/devset.jsonl``. Records come from the bundled lists through the
store (so ids are the index's ids); the evaluation material from
``../shared/data/eval`` (``BENCH_EVAL_DIR``).

Labels come from the data, never from a matcher. The rules, and the guards
added after inspecting failures (each fixes a label, not a score):

* cross_list — records of two lists linked by a shared document number,
  a UN reference (OFSI "(UN Ref)" = UN list number), an exact full birth
  date + nationality + one rare name word, or (lists without nationality)
  exact full birth date + two rare name words. A number held by two
  records of one list links nothing; people must not give disjoint birth
  years, must share a date when both give full dates, and must share a
  name word unless their birth years agree; organisations must share a
  rare name word (renamed companies are not name cases). Queries carry
  name, birth date and nationality, never the identifiers that linked them.
* original_script — OFSI/UN/DFAT non-Latin names (no Latin letter in the
  cell) against linked records of other lists that know the Latin
  counterpart (retrieval), and against the record stripped of its
  non-Latin names (pairwise only). Organisation names must share a word
  with a Latin name once romanised (translations are out).
* typos, reordering, dropped_middle, transliteration (ICAO, German,
  French, scientific Cyrillic romanisation; Russian and Arabic respelling
  rules), particles, nicknames (formal -> nickname only), companies
  (swap/drop/move a legal form) — rule-made spellings of strong names with
  at least two words that are not particles or titles; the variant must be
  new to the record and no other party's name. No middle-name dropping in
  East Asian names, names with brackets, or names starting with a title.
* hard_negative — two records of one list: same surname with different
  given names (family), same first name with a different patronymic
  (close_name), or the same name with birth years two or more apart
  (same_name_other_dob, unless another record of that name gives both
  years as alternatives).
* common_negative / fresh negatives — synthetic customers, US Congress
  members, census name pairs; dropped when all their words (nicknames
  allowed) are words of one listed name.
* un_positives — third-party UN rows tied by exact name words to exactly
  one UN record with agreeing birth year.

Dev and test halves are split by a hash of the party, so every pair of
one person lands in the same half.
"""

from bench.devset.build import (
    BUDGET,
    CATEGORIES,
    Context,
    Pair,
    build_devset,
    build_pairs,
    fresh_negatives,
    merge_same_ids,
)

__all__ = [
    "BUDGET",
    "CATEGORIES",
    "Context",
    "Pair",
    "build_devset",
    "build_pairs",
    "fresh_negatives",
    "merge_same_ids",
]
