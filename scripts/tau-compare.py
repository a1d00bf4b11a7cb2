#!/usr/bin/env python3
"""Optional anchor, not run by CI: how many secondary cells does τ-ARGUS's
modular method need for one comparable single table, and how many does our
export use for the same table?

The table: `studenten_bol`, window `maand`, partnerships within
arbeidsmarktregio within provincie (with the national total on top). The
true values come from a run with `suppression_threshold = 0` (every row is
F or M); our suppression from a normal run (threshold 5), optionally after a
run for P-1 into the same output folder. τ-ARGUS (the `pytauargus` package
from PyPI: the τ-ARGUS engine with the HiGHS solver, headless) protects the
same table built from microdata (one record per student, so a cell's
frequency is its count) with the frequency rule FREQ(5, margin) and the
modular method MOD(1).

Setup (outside the repository):

    python3 -m venv /root/.cache/pps-monitor/venv-tau
    /root/.cache/pps-monitor/venv-tau/bin/pip install pytauargus==0.6.0

Run:

    /root/.cache/pps-monitor/venv-tau/bin/python scripts/tau-compare.py \
        --binary "$CARGO_TARGET_DIR/debug/pps-monitor" [--generate 300] [--previous]

Only the standard library and pytauargus are used.

What to know when reading the figures:

- pytauargus 0.6.0's modular method fails on a one-dimensional table
  ("AHiTaS failed: HiTaS: no variables found"; with a second dimension of
  one category the engine crashes), so the 1-D table is also protected with
  OPT(1), and a 2-D table (pps hierarchy x {bol, bbl}, with `studenten` as
  its total) is protected with both MOD(1) and OPT(1).
- Several CBS 2025 arbeidsmarktregio's straddle a provincial border;
  tau-argus needs a strict hierarchy, so its middle level is the part of an
  arbeidsmarktregio within a provincie. Our export's AM row is the whole
  region, so the tables differ slightly (one more primary cell on the
  sample).
- Our secondary cells in the table also protect primary cells of other
  tables (other windows, levels, indicators, the P-1 export), and our
  requirement (an upper bound of at least t) is stronger than FREQ(5,30)'s
  safety range: the counts are an anchor, not a like-for-like race.
- Cells "with data" of ours include cells with value 0; tau-argus does not
  see those (no microdata record).
"""

import argparse
import csv
import io
import os
import random
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
import zipfile
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def regions_reference():
    """gemeente_code -> (arbeidsmarktregio_code, provincie_code)."""
    with open(REPO / "config" / "regions.csv", encoding="utf-8") as fh:
        return {
            r["gemeente_code"]: (r["arbeidsmarktregio_code"], r["provincie_code"])
            for r in csv.DictReader(fh)
        }


def xlsx_rows(path):
    """The first sheet of an xlsx as lists of cell texts (minimal reader)."""
    with zipfile.ZipFile(path) as z:
        shared = []
        if "xl/sharedStrings.xml" in z.namelist():
            root = ET.fromstring(z.read("xl/sharedStrings.xml"))
            for si in root.findall("m:si", NS):
                shared.append("".join(t.text or "" for t in si.iter(f"{{{NS['m']}}}t")))
        sheet = sorted(n for n in z.namelist() if n.startswith("xl/worksheets/sheet"))[0]
        root = ET.fromstring(z.read(sheet))
    rows = []
    for row in root.iter(f"{{{NS['m']}}}row"):
        cells = {}
        for c in row.findall("m:c", NS):
            ref = c.get("r", "")
            col = 0
            for ch in ref:
                if ch.isalpha():
                    col = col * 26 + ord(ch.upper()) - 64
            v = c.find("m:v", NS)
            text = "" if v is None else (v.text or "")
            if c.get("t") == "s" and text:
                text = shared[int(text)]
            elif c.get("t") == "inlineStr":
                text = "".join(t.text or "" for t in c.iter(f"{{{NS['m']}}}t"))
            cells[col - 1] = text
        if cells:
            rows.append([cells.get(i, "") for i in range(max(cells) + 1)])
    return rows


def register_of(input_dir):
    """pps_id -> gemeente_code from the register (xlsx or csv) in input_dir."""
    out = {}
    for path in sorted(Path(input_dir).rglob("*")):
        if path.name.startswith(("~$", ".")) or path.suffix.lower() not in (".xlsx", ".csv"):
            continue
        if path.suffix.lower() == ".xlsx":
            rows = xlsx_rows(path)
        else:
            text = path.read_bytes().decode("utf-8-sig", errors="replace")
            first = text.split("\n", 1)[0]
            delimiter = max(",;\t", key=first.count)
            rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
        for i, row in enumerate(rows[:20]):
            header = [h.strip().lower() for h in row]
            if "pps_id" in header and "gemeente_code" in header:
                p, g = header.index("pps_id"), header.index("gemeente_code")
                for r in rows[i + 1 :]:
                    if len(r) > max(p, g) and r[p].strip():
                        code = r[g].strip().upper().removeprefix("GM")
                        code = code.split(".")[0]
                        out[r[p].strip()] = "GM" + code.zfill(4)
                break
    return out


def generate(folder, n, seed=7):
    """A larger valid input: n partnerships in few regions, small counts."""
    rng = random.Random(seed)
    gemeenten = ["GM0344", "GM0355", "GM0307", "GM0363", "GM0362", "GM0479", "GM0202", "GM0268"]
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "register.csv", "w", encoding="utf-8") as fh:
        fh.write("pps_id,naam,consortium,gemeente_code,startdatum,einddatum\n")
        for i in range(n):
            fh.write(f"G{i:04d},Naam {i},,{rng.choice(gemeenten)},2025-01-01,\n")
    with open(folder / "counts.csv", "w", encoding="utf-8") as fh:
        fh.write("pps_id,periode,studenten_bol,studenten_bbl,werkenden,werkzoekenden,bedrijven,bedrijven_mkb\n")
        for i in range(n):
            for month in ("2026-09", "2026-10"):
                if rng.random() < 0.85:
                    v = [rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 8, 12]) for _ in range(5)]
                    fh.write(f"G{i:04d},{month},{v[0]},{v[1]},{v[2]},{v[3]},{v[4]},{min(v[4], v[0])}\n")


def run(binary, work, input_dir, output, threshold, period):
    config = work / f"config-{threshold}.toml"
    config.write_text(
        f'regions = "{REPO / "config" / "regions.csv"}"\n'
        f'input = "{input_dir}"\noutput = "{output}"\n'
        f"suppression_threshold = {threshold}\n",
        encoding="utf-8",
    )
    env = dict(os.environ, PPS_MONITOR_TODAY="2026-11-27")
    res = subprocess.run(
        [binary, "run", "--config", str(config), "--period", period],
        cwd=work, env=env, capture_output=True, text=True,
    )
    if res.returncode not in (0, 3):
        sys.exit(f"pps-monitor failed ({res.returncode}): {res.stderr}")
    with open(output / period / f"kpi_export_{period}.csv", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def table(rows, indicators):
    """(niveau, regio_code, indicator) -> row, for the maand window at the
    levels of the comparable table."""
    levels = {"nl", "provincie", "arbeidsmarktregio", "pps"}
    return {
        (r["niveau"], r["regio_code"], r["indicator"]): r
        for r in rows
        if r["venster"] == "maand" and r["indicator"] in indicators and r["niveau"] in levels
    }


def ours(truth, published):
    """(cells with data, primary, secondary) of our export for the table."""
    cells = primary = secondary = 0
    for key, r in published.items():
        if r["status"] == "M":
            continue
        cells += 1
        if r["status"] == "C":
            true = truth[key]["waarde"]
            if true and 1 <= int(true) <= 4:
                primary += 1
            else:
                secondary += 1
    return cells, primary, secondary


def tau(work, register, truth, indicators, margin, method):
    """Protects the table with tau-argus; returns (statuses, cells) or the
    engine's error."""
    from pytauargus import protect

    ref = regions_reference()
    micro = {"pps": [], "am": [], "pv": [], "soort": [], "one": []}
    for (niveau, code, indicator), r in sorted(truth.items()):
        if niveau != "pps" or r["status"] != "F" or not r["waarde"]:
            continue
        if indicator not in indicators:
            continue
        am, pv = ref[register[code]]
        for _ in range(int(r["waarde"])):
            micro["pps"].append(code)
            # Some arbeidsmarktregio's straddle a provincial border (CBS
            # 2025); tau-argus needs a strict hierarchy, so the middle level
            # is the part of the arbeidsmarktregio within the provincie.
            micro["am"].append(f"{pv}_{am}")
            micro["pv"].append(pv)
            micro["soort"].append(indicator.removeprefix("studenten_"))
            micro["one"].append(1)
    # The engine (pytauargus 0.6.0) rejects codes of unequal length in one
    # column ("ExploreFile failed: UnKnown Error (1017)"): give every code a
    # fixed-width stand-in.
    for column, prefix in (("pps", "P"), ("am", "A"), ("pv", "V")):
        names = {c: f"{prefix}{i:04d}" for i, c in enumerate(sorted(set(micro[column])))}
        micro[column] = [names[c] for c in micro[column]]
    dims = ["pps"] if len(indicators) == 1 else ["pps", "soort"]
    name = f"tau-{len(dims)}-{method[:3]}-{margin}"
    try:
        res = protect(
            micro, dims, response="one",
            safety_rules=f"FREQ(5,{margin})", suppress=method,
            hrc={"pps": "pps > am > pv"}, workdir=str(work / name),
        )
    except Exception as e:  # the engine's own error, reported as is
        return f"failed: {type(e).__name__}: {e}"
    t = res.tables[0]
    status = Counter(t.status())
    return (
        f"{len(t)} cells, {status.get('U', 0)} primary (U), {status.get('M', 0)} secondary (M); "
        f"all statuses {dict(sorted(status.items()))}"
    )


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--binary", required=True)
    ap.add_argument("--input", default=str(REPO / "input"))
    ap.add_argument("--generate", type=int, default=0, help="use a generated input with N partnerships")
    ap.add_argument("--period", default="2026-10")
    ap.add_argument("--previous", action="store_true", help="run P-1 first into the same output folder")
    ap.add_argument("--margins", default="30", help="FREQ safety margins (percent), comma-separated")
    ap.add_argument("--keep", action="store_true", help="keep the working folder")
    args = ap.parse_args()

    binary = str(Path(args.binary).resolve())
    input_dir = Path(args.input).resolve()
    work = Path(tempfile.mkdtemp(prefix="tau-compare-"))
    # The engine writes its logs into the current folder and its hierarchy
    # files into the temporary folder: keep both inside the working folder.
    os.chdir(work)
    tempfile.tempdir = str(work)
    try:
        if args.generate:
            input_dir = work / "input"
            generate(input_dir, args.generate)
        register = register_of(input_dir)
        y, m = map(int, args.period.split("-"))
        previous = f"{y - (m == 1):04d}-{(m - 2) % 12 + 1:02d}"
        truth_rows = run(binary, work, input_dir, work / "truth", 0, args.period)
        if args.previous:
            run(binary, work, input_dir, work / "out", 5, previous)
        our_rows = run(binary, work, input_dir, work / "out", 5, args.period)

        source = f"generated ({args.generate} partnerships)" if args.generate else str(args.input)
        print(f"input: {source}; period {args.period}" + (f" (after {previous})" if args.previous else ""))
        for indicators in (["studenten_bol"], ["studenten_bol", "studenten_bbl"]):
            wanted = indicators + (["studenten"] if len(indicators) > 1 else [])
            truth = table(truth_rows, wanted)
            cells, primary, secondary = ours(truth, table(our_rows, wanted))
            print(
                f"table {' x '.join(['pps<arbeidsmarktregio<provincie'] + (['soort'] if len(indicators) > 1 else []))}"
                f" ({', '.join(wanted)}; maand; with totals):"
            )
            print(f"  pps-monitor: {cells} cells with data, {primary} primary, {secondary} secondary")
            for margin in args.margins.split(","):
                for method in ("MOD(1)", "OPT(1)"):
                    print(f"  tau-argus {method}, FREQ(5,{margin}): {tau(work, register, truth, indicators, margin, method)}")
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
