#!/usr/bin/env python3
"""Intent and date accuracy of a cobrador binary on the case tables.

Usage: scripts/understand-accuracy.py [BINARY] [TABLE...]
Runs `BINARY parse-reply` on every row of tests/fixtures/understand/*.txt (or the given
tables) and prints, per table and overall, how many intents and promised dates match.
Useful to compare two builds (e.g. before and after a change) on the same rows.
"""
import glob, json, subprocess, sys

TZ = {"ES": "Europe/Madrid", "MX": "America/Mexico_City", "CO": "America/Bogota",
      "AR": "America/Argentina/Buenos_Aires", "CL": "America/Santiago", "PE": "America/Lima"}
DEFAULT_AT = "2026-11-18T15:00:00Z"

def unescape(s):
    out, i = [], 0
    while i < len(s):
        if s[i] == "\\" and i + 1 < len(s):
            out.append("\n" if s[i + 1] == "n" else s[i + 1]); i += 2
        else:
            out.append(s[i]); i += 1
    return "".join(out)

def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else "target/debug/cobrador"
    tables = sys.argv[2:] or sorted(glob.glob("tests/fixtures/understand/*.txt"))
    tot = [0, 0, 0]
    for path in tables:
        n = ok_i = ok_d = 0
        for line in open(path, encoding="utf-8"):
            if not line.strip() or line.startswith("#"):
                continue
            who, intent, date, text = line.rstrip("\n").split(" | ", 3)
            country, _, when = who.partition("@")
            want_date = date.split(" ")[0]
            want_date = None if want_date == "-" else want_date
            out = subprocess.run([binary, "parse-reply", "--now", when or DEFAULT_AT,
                                  "--tz", TZ.get(country, "Europe/Madrid")],
                                 input=unescape(text).encode(), capture_output=True)
            r = json.loads(out.stdout or b"{}")
            n += 1
            ok_i += r.get("intent") == intent
            ok_d += r.get("promised_date") == want_date
        tot = [tot[0] + n, tot[1] + ok_i, tot[2] + ok_d]
        if n:
            print(f"{path}: {n} rows, intent {ok_i / n:.1%}, date {ok_d / n:.1%}")
    n, ok_i, ok_d = tot
    if n:
        print(f"ALL: {n} rows, intent {ok_i / n:.1%} ({ok_i}), date {ok_d / n:.1%} ({ok_d})")

if __name__ == "__main__":
    main()
