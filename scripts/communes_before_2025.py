"""Write the communes of Viet Nam before the two-level local government of 01/07/2025 as a CSV file.

Source: the data of the ``vietnam-provinces`` package release 0.6.0 (January 2025, the last release with
provinces → districts → communes). Get it with

    pip download --no-deps vietnam-provinces==0.6.0 -d /tmp/vp && unzip -o /tmp/vp/*.whl -d /tmp/vp/old

and run

    python scripts/communes_before_2025.py /tmp/vp/old/vietnam_provinces/data/nested-divisions.json

The output (``src/dangbo/steering/data/communes_truoc_2025.csv``, UTF-8, about 0.8 MB) holds the whole
country; ``dangbo.steering.support.selectors.load`` reads it. Columns: code, name, division_type, district_name,
province_code, province_name.

That release marks every commune-level unit "xã" and every district "huyện"; the real type is the first
word(s) of the name ("Phường …", "Thị trấn …", "Xã …"), so the type is taken from the name.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import unicodedata
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "src" / "dangbo" / "steering" / "data" / "communes_truoc_2025.csv"
COLUMNS = ["code", "name", "division_type", "district_name", "province_code", "province_name"]
TYPES = [("Thị trấn ", "thị trấn"), ("Phường ", "phường"), ("Xã ", "xã")]


def division_type(name: str) -> str:
    for prefix, kind in TYPES:
        if name.startswith(prefix):
            return kind
    return "xã"


def rows(nested: list[dict], provinces: set[int] | None = None):
    def nfc(value: str) -> str:
        return unicodedata.normalize("NFC", value).strip()

    for province in nested:
        if provinces and province["code"] not in provinces:
            continue
        for district in province["districts"]:
            for ward in district["wards"]:
                name = nfc(ward["name"])
                yield {
                    "code": ward["code"], "name": name, "division_type": division_type(name),
                    "district_name": nfc(district["name"]), "province_code": province["code"],
                    "province_name": nfc(province["name"]),
                }  # fmt: skip


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="nested-divisions.json of vietnam-provinces 0.6.0")
    parser.add_argument("-o", "--output", type=Path, default=OUT)
    parser.add_argument("--province", type=int, action="append", help="only these province codes (e.g. 40)")
    args = parser.parse_args(argv)
    nested = json.loads(args.source.read_text(encoding="utf-8"))
    if not nested or "districts" not in nested[0]:
        print("Tệp nguồn không có cấp huyện: cần dữ liệu của bản 0.6.0 (trước 01/07/2025).", file=sys.stderr)
        return 1
    args.output.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with args.output.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        for row in sorted(rows(nested, set(args.province or ())), key=lambda r: (r["province_code"], r["code"])):
            writer.writerow(row)
            n += 1
    print(f"{n} xã, phường, thị trấn → {args.output} ({args.output.stat().st_size:,} byte)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
