"""Text screening throughput with every bundled list loaded.

Run: ``python -m bench.text_speed`` (``--data-dir`` to reuse a loaded store;
by default ``bench/out/text-data``, filled from the bundled lists on first run).

Three figures, each next to a baseline measured in the same run:

* **dictionary scan, MB/s** over a synthetic ~5 MB English corpus with list
  names sprinkled in. Baseline: the same list names in a plain
  pyahocorasick automaton run over ``text.lower()`` — no shared name
  normalisation, no token boundaries, no offset mapping. The ratio is what
  correctness costs. Target: >= 5 MB/s.
* **article latency, ms** for a typical ~7 kB news article (synthetic,
  several listed and unlisted names), models loaded, matcher answers not
  cached between runs; with NER and without. Baseline: NER alone on the
  same text. Target: < 100 ms with NER.
* **payments/s** for MT103 and pacs.008 messages with mostly unlisted
  parties (1 in 50 names a listed person). Baseline: parsing the same
  messages without screening. Target: >= 20,000 messages/s. Every timed
  run screens messages it has not seen, starting from empty name caches.
  Three streams of parties, because the screener remembers its answer per
  party name (real batches pay the same counterparties again and again):

  - *mixed*: half the surnames from a short list, half invented (the
    stream earlier figures were measured on);
  - *all new*: drawn like *mixed*, but no unlisted party name occurs twice
    in the run, so nothing remembered per name can help;
  - *repeat*: 4 in 5 parties come from a pool of 1,000 regular
    counterparties, the rest are new.

  Also shown: the batch path (what ``embargo scan msgs.jsonl`` runs: one
  process per CPU, from a JSON-lines file of the messages to a JSON line
  per message, including the pass that decides whether NER is needed) on
  the *mixed* and *all new* streams. Each
  row also gives the CPU time per message (for the batch, summed over all
  processes): on a machine shared with other jobs the wall clock says more
  about them than about the screener.

Synthetic texts are generated from a fixed seed; no article or message
from anywhere else is used.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import ahocorasick

from embargo.settings import Settings
from embargo.store import open_store
from embargo.text.batch import scan_path_blocks, survey
from embargo.text.formats import read_document
from embargo.text.scan import Scanner

OUT = Path(__file__).resolve().parent / "out"
MessageMaker = Callable[..., bytes]


def _split(text: str) -> list[str]:
    return text.split()


_WORDS = _split(
    "the of and to in a is that for on was with he she it as at by from his her they be this have "
    "which or had not are but were their been has more when would will there can all about also after "
    "new other some could into than two over first only years year said government company market "
    "bank minister report people week according officials state country city trade money business "
    "million billion shares deal contract court police investigation president former told statement "
    "sources family home capital power world public group month today last under between during "
    "agreement economy policy security energy oil gas shipping port cargo vessel payment transfer"
)
_PLACES = _split("London Moscow Paris Geneva Dubai Limassol Vienna Riga Istanbul Beirut Damascus Tehran Oslo")
_GIVEN = _split(
    "Anna Marta Lena Sofia Julia Clara Nadia Irene Paul Jonas Marco Pavel Karim Omar Tomas Felix Hugo "
    "Ivan Leo Rosa Elena Mira Otto Lars Nils Greta Ines Dario"
)
_FAMILY = _split(
    "Kowalczyk Marchetti Brandt Lindqvist Moreau Okafor Haddad Novak Petrov Jansen Duarte Bergmann "
    "Rossi Fischer Almeida Varga Horvat Nieminen Castillo Dubois Keller Sato Moretti"
)
_LISTED = (
    "Vladimir Putin",
    "Asma al-Assad",
    "Bashar al-Assad",
    "Dmitry Peskov",
    "Fawaz Akhras",
    "Maher al-Assad",
    "Ramzan Kadyrov",
    "Alexander Lukashenko",
)


_LISTED_UPPER = frozenset(name.upper() for name in _LISTED)


def sentence(rng: random.Random, listed_share: float) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(8, 20))]
    if rng.random() < 0.5:
        words.insert(rng.randrange(len(words)), rng.choice(_PLACES))
    if rng.random() < 0.3:
        words.insert(rng.randrange(len(words)), f"{rng.choice(_GIVEN)} {surname(rng)}")
    if rng.random() < listed_share:
        words.insert(rng.randrange(len(words)), rng.choice(_LISTED))
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def corpus(rng: random.Random, size: int) -> str:
    parts: list[str] = []
    total = 0
    while total < size:
        para = " ".join(sentence(rng, 0.05) for _ in range(rng.randint(3, 6)))
        parts.append(para)
        total += len(para) + 2
    return "\n\n".join(parts)


def article(rng: random.Random) -> str:
    paras = []
    for _ in range(20):
        paras.append(" ".join(sentence(rng, 0.15) for _ in range(rng.randint(2, 4))))
    paras.insert(3, "Ms Assad's assets were frozen under sanctions, officials said.")
    paras.insert(6, "Mr Peskov, the Kremlin spokesman, declined to comment on the report.")
    return "\n\n".join(paras)


_SYLLABLES = _split(
    "ka lo mi ren sa to vel an dri ko ber gon har li mar nes or pe qui ra sto tin u va wen xi yor zel"
)


def surname(rng: random.Random) -> str:
    """An invented surname, so that payment parties are mostly distinct (no warm caches)."""
    if rng.random() < 0.5:
        return rng.choice(_FAMILY)
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()


def person(rng: random.Random) -> str:
    if rng.random() < 0.02:
        return rng.choice(_LISTED).upper()
    return unlisted_person(rng)


def unlisted_person(rng: random.Random) -> str:
    return f"{rng.choice(_GIVEN)} {surname(rng)}".upper()


def company(rng: random.Random) -> str:
    return f"{surname(rng)} {rng.choice(['TRADING', 'LOGISTICS', 'HOLDINGS', 'FOODS'])} LTD"


class Parties:
    """Where a message stream's party names come from (see the module docstring)."""

    def __init__(self, rng: random.Random, stream: str = "mixed") -> None:
        self.rng = rng
        self.stream = stream
        self._seen: set[str] = set()
        self._pool: list[tuple[str, str]] = []
        if stream == "repeat":
            fresh = Parties(rng, "all new")
            self._pool = [(fresh.person(), fresh.company()) for _ in range(1000)]

    def _draw(self, make: Callable[[random.Random], str], unlisted: Callable[[random.Random], str]) -> str:
        rng = self.rng
        if self.stream == "repeat" and rng.random() < 0.8:
            return rng.choice(self._pool)[0 if make is person else 1]
        name = make(rng)
        if self.stream != "mixed" and name not in _LISTED_UPPER:
            while name in self._seen:
                name = unlisted(rng)  # "all new": an unlisted name is never used twice
            self._seen.add(name)
        return name

    def person(self) -> str:
        return self._draw(person, unlisted_person)

    def company(self) -> str:
        return self._draw(company, company)


def mt103(rng: random.Random, i: int, parties: Parties | None = None) -> bytes:
    parties = parties or Parties(rng)
    return (
        "{1:F01BANKGB2LAXXX0000000000}{2:I103BANKDEFFXXXXN}{4:\n"
        f":20:REF{i:08d}\n:23B:CRED\n:32A:240611EUR{rng.randint(100, 99999)},00\n"
        f":50K:/GB29NWBK60161331926819\n{parties.person()}\n1 HIGH STREET\nLONDON\n"
        ":52A:NWBKGB2LXXX\n"
        f":59:/DE89370400440532013000\n{parties.company()}\nHAUPTSTRASSE 5\nBERLIN\n"
        f":70:/INV/{i} {rng.choice(_WORDS).upper()} {rng.choice(_WORDS).upper()}\n"
        ":71A:SHA\n-}"
    ).encode()


def pacs008(rng: random.Random, i: int, parties: Parties | None = None) -> bytes:
    parties = parties or Parties(rng)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08"><FIToFICstmrCdtTrf>'
        f"<GrpHdr><MsgId>M{i}</MsgId><NbOfTxs>1</NbOfTxs></GrpHdr><CdtTrfTxInf>"
        f'<PmtId><EndToEndId>E{i}</EndToEndId></PmtId><IntrBkSttlmAmt Ccy="EUR">{rng.randint(1, 9999)}.00</IntrBkSttlmAmt>'
        f"<Dbtr><Nm>{parties.person().title()}</Nm><PstlAdr><Ctry>GB</Ctry></PstlAdr></Dbtr>"
        "<DbtrAgt><FinInstnId><BICFI>NWBKGB2LXXX</BICFI></FinInstnId></DbtrAgt>"
        f"<Cdtr><Nm>{parties.company().title()}</Nm></Cdtr>"
        f"<RmtInf><Ustrd>Invoice {i} {rng.choice(_WORDS)} {rng.choice(_WORDS)}</Ustrd></RmtInf>"
        "</CdtTrfTxInf></FIToFICstmrCdtTrf></Document>"
    ).encode()


def _cpu_with_workers() -> float:
    """CPU seconds used by this process and its finished child processes.

    On a shared machine other jobs slow the wall clock down; CPU time per
    message says what the screening itself costs.
    """
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def raw_baseline(names: list[str], text: str) -> float:
    automaton = ahocorasick.Automaton()
    for i, name in enumerate(names):
        automaton.add_word(name.lower(), i)
    automaton.make_automaton()
    start = time.perf_counter()
    count = sum(1 for _ in automaton.iter(text.lower()))
    elapsed = time.perf_counter() - start
    assert count >= 0
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=OUT / "text-data")
    parser.add_argument("--mb", type=float, default=5.0, help="size of the dictionary-scan corpus")
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=0, help="batch processes (0 = one per CPU)")
    parser.add_argument(
        "--only", choices=("scan", "article", "payments"), help="run one of the three figures (default: all)"
    )
    args = parser.parse_args()
    rng = random.Random(20241210)
    settings = Settings.from_env(data_dir=args.data_dir)
    t0 = time.perf_counter()
    scanner = Scanner.load(settings, ner=args.only != "payments")  # payments never use NER
    print(f"scanner loaded in {time.perf_counter() - t0:.1f} s "
          f"({scanner.dictionary.pattern_count:,} name patterns; NER: {scanner.engine['ner_model']})")  # fmt: skip

    if args.only in (None, "scan"):
        dictionary_scan(scanner, settings, rng, args.mb)
    if args.only in (None, "article"):
        article_latency(scanner, rng)
    if args.only in (None, "payments"):
        payments(scanner, rng, args.messages, args.workers)


def dictionary_scan(scanner: Scanner, settings: Settings, rng: random.Random, size_mb: float) -> None:
    text = corpus(rng, int(size_mb * 1_000_000))
    mb = len(text.encode()) / 1_000_000
    scanner.dictionary.scan(text[:100_000])  # warm the token cache as a long-running scanner would be
    start = time.perf_counter()
    found = scanner.dictionary.scan(text)
    ours = time.perf_counter() - start

    names = [st.value for e in open_store(settings).snapshot().iter_entities() for st in e.names()]
    base = raw_baseline(names, text)
    print("\n== dictionary scan (target >= 5 MB/s)")
    print(f"corpus {mb:.1f} MB, {len(found):,} listed-name hits")
    print(f"embargo dictionary scan      {mb / ours:8.1f} MB/s")
    print(f"baseline raw automaton/lower {mb / base:8.1f} MB/s   (ratio embargo/baseline {base / ours:.2f})")


def article_latency(scanner: Scanner, rng: random.Random) -> None:
    articles = [article(rng) for _ in range(20)]
    print("\n== article latency (target < 100 ms with NER)")
    print(f"article size ~{statistics.mean(len(a) for a in articles) / 1000:.1f} kB")
    for label, sc in (("with NER", scanner), ("without NER", scanner.without_ner())):
        sc.scan_text(articles[0])
        times = []
        for a in articles:
            sc.clear_cache()
            t = time.perf_counter()
            sc.scan_text(a)
            times.append(time.perf_counter() - t)
        print(f"embargo scan {label:12} median {statistics.median(times) * 1000:6.1f} ms, "
              f"p90 {sorted(times)[int(len(times) * 0.9) - 1] * 1000:6.1f} ms")  # fmt: skip
    if scanner.recogniser is not None:
        times = []
        for a in articles:
            t = time.perf_counter()
            scanner.recogniser(a)
            times.append(time.perf_counter() - t)
        print(f"baseline NER alone           median {statistics.median(times) * 1000:6.1f} ms")


def payments(scanner: Scanner, rng: random.Random, count: int, workers: int) -> None:
    workers = workers or os.cpu_count() or 1
    print("\n== payments (target >= 20,000 messages/s)")
    print("each timed run: messages not screened before, name caches emptied first")
    screener = scanner.without_ner()
    start_at = 0
    for label, make in (("MT103", mt103), ("pacs.008", pacs008)):

        def stream(kind: str, make: MessageMaker = make) -> list[bytes]:
            nonlocal start_at
            parties = Parties(rng, kind)
            start_at += count
            return [make(rng, start_at + i, parties) for i in range(count)]

        messages = stream("mixed")
        t = time.perf_counter()
        for m in messages:
            read_document(m, "msg")
        parse_only = time.perf_counter() - t
        n = len(messages)
        print(f"{label:8} baseline parse only              {n / parse_only:10,.0f} msg/s")
        for kind in ("mixed", "all new", "repeat"):
            messages = messages if kind == "mixed" else stream(kind)
            screener.clear_cache()
            t, cpu = time.perf_counter(), time.process_time()
            flagged = sum(1 for m in messages if screener.scan(read_document(m, "msg")).entities)
            total, cpu = time.perf_counter() - t, time.process_time() - cpu
            print(f"{label:8} embargo screen, 1 process, {kind:7} {n / total:10,.0f} msg/s "
                  f"(ratio to parse only {parse_only / total:.2f}; CPU {cpu / n * 1e6:4.0f} us/msg; "
                  f"{flagged:,} of {n:,} flagged)")  # fmt: skip
        for kind in ("mixed", "all new"):
            # Fresh messages and empty caches: the forked workers would
            # otherwise inherit the answers for the messages screened above.
            batch_messages = stream(kind)
            screener.clear_cache()
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / "messages.jsonl"
                with path.open("w", encoding="utf-8") as fh:
                    for i, m in enumerate(batch_messages):
                        fh.write(json.dumps({"id": str(i), "text": m.decode()}) + "\n")
                t, cpu = time.perf_counter(), _cpu_with_workers()
                _, prose = survey(path)
                assert not prose
                blocks = scan_path_blocks(screener, path, workers=workers)
                done = sum(block.count("\n") for block, _ in blocks)
                batch, cpu = time.perf_counter() - t, _cpu_with_workers() - cpu
            print(f"{label:8} embargo batch, {workers} processes, {kind:7} {done / batch:9,.0f} msg/s "
                  f"(ratio to parse only {parse_only / batch:.2f}; CPU {cpu / done * 1e6:4.0f} us/msg "
                  "in all processes; JSON line per message)")  # fmt: skip


if __name__ == "__main__":
    main()
