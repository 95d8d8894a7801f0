"""Dry-run the real sample files with the mapping wijknet proposes; not part of pytest.

    python tools/real_samples.py [FOLDER]

FOLDER defaults to ``../shared/samples/real`` next to the repository. Each file is planned
(no edit of the file, no mapping given: the proposed defaults) into a temporary SQLite store
with the demo data, for the wijk daalhof. Per file it prints the rows accepted (new,
changed, unchanged or merged), refused and left out by the mapping, then the overall share
accepted. Exit 1 when that is below 80 %, or a file is not read at all; exit 0 (and a note)
when the folder is absent.
"""

from __future__ import annotations

import sys
import tempfile
import warnings
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph.demo import load_demo
from graph.store import open_store
from importers.apply import plan_files

WIJK = "daalhof"
THRESHOLD = 0.80
SUFFIXES = {".csv", ".tsv", ".txt", ".xlsx", ".json", ".graphml", ".gml", ".gexf", ".zip"}
ACCEPTED = ("create", "update", "skip", "merge")


def main(argv: list[str]) -> int:
    root = Path(__file__).resolve().parent.parent
    folder = Path(argv[1]) if len(argv) > 1 else root.parent / "shared" / "samples" / "real"
    if not folder.is_dir():
        print(f"{folder}: niet gevonden; niets te doen.")
        return 0
    warnings.filterwarnings("ignore", category=UserWarning, module="openpyxl")
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in SUFFIXES)
    total: Counter[str] = Counter()
    unread = []
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(f"sqlite:///{Path(tmp) / 'samples.db'}")
        try:
            load_demo(store)
            print(f"{'bestand':45} {'rijen':>6} {'goed':>6} {'fout':>6} {'samen':>6} {'weg':>6}")
            for path in files:
                plan = plan_files(store, [(path.name, path.read_bytes())], default_wijk=WIJK)
                actions: Counter[str] = Counter(str(r.action) for r in plan.rows)
                file_problems = [p for p in plan.problems if p.row == 0]
                accepted = sum(actions[a] for a in ACCEPTED)
                rows = len(plan.rows)
                total.update(actions)
                total["rows"] += rows
                if file_problems or not rows:
                    unread.append(path.name)
                print(
                    f"{path.name[:45]:45} {rows:6} {accepted:6} {actions['error']:6} "
                    f"{actions['merge']:6} {actions['ignore']:6}"
                    + (f"  niet gelezen: {file_problems[0].message[:80]}" if file_problems else "")
                )
        finally:
            store.close()
    accepted = sum(total[a] for a in ACCEPTED)
    considered = total["rows"] - total["ignore"]
    share = accepted / considered if considered else 0.0
    print(
        f"\nTotaal: {accepted} van {considered} rijen geaccepteerd ({share:.1%}); "
        f"{total['error']} geweigerd, {total['merge']} samengevoegd, "
        f"{total['ignore']} door de koppeling overgeslagen."
    )
    if unread:
        print("Niet gelezen: " + ", ".join(unread))
    return 0 if share >= THRESHOLD and not unread else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
