#!/usr/bin/env python3
"""Generate cobrador's embedded holiday calendars (data/holidays/*.json).

Source: the PyPI package `holidays` (https://github.com/vacanza/holidays),
pinned below. Re-run after bumping YEARS or the pinned version:

    python3 -m venv /tmp/venv-holidays
    /tmp/venv-holidays/bin/pip install 'holidays==0.109'
    /tmp/venv-holidays/bin/python scripts/gen-holidays.py

then review the diff (`git diff data/holidays`) and run `cargo test`.
The output is deterministic: sorted dates, sorted keys, UTF-8, one file per country.

Spain: the library says its Spanish data is "checked with official sources for
2008-2026 only"; later years are calculated from rules, not the official BOE
calendar (published around October of the year before). Those years are listed
in `calculated_years` so the daemon can say so.
"""

import json
import pathlib
import sys

import holidays

PINNED_VERSION = "0.109"
YEARS = [2026, 2027]
COUNTRIES = ["ES", "MX", "CO", "CL", "PE", "AR"]
# Spanish autonomous communities (17) plus the autonomous cities Ceuta (CE)
# and Melilla (ML), by ISO 3166-2:ES code. The library's "Barcelona" city
# subdivision is deliberately left out: municipal holidays are the owner's
# business (HolidayCalendar's `extra` dates).
ES_REGIONS = {
    "AN": "Andalucía",
    "AR": "Aragón",
    "AS": "Asturias",
    "CB": "Cantabria",
    "CE": "Ceuta",
    "CL": "Castilla y León",
    "CM": "Castilla-La Mancha",
    "CN": "Canarias",
    "CT": "Cataluña",
    "EX": "Extremadura",
    "GA": "Galicia",
    "IB": "Illes Balears",
    "MC": "Región de Murcia",
    "MD": "Comunidad de Madrid",
    "ML": "Melilla",
    "NC": "Navarra",
    "PV": "País Vasco",
    "RI": "La Rioja",
    "VC": "Comunitat Valenciana",
}
# Years whose data is calculated by the library rather than checked against
# an official publication (see the module docstring).
CALCULATED_YEARS = {"ES": [2027]}
NOTES = {
    "ES": "2026 checked by the library against BOE-A-2025-21667. 2027 is CALCULATED by the "
    "library, not the official calendar (the BOE publishes it around October 2026): "
    "re-run scripts/gen-holidays.py with a newer `holidays` once it is out. "
    "Regional lists are complete calendars (national days included); municipal days are not covered.",
    "MX": "Jueves Santo and Viernes Santo are not statutory rest days in Mexico (LFT art. 74), but "
    "banks close (CNBV) and most offices with them: listed so that no reminder goes on them "
    "(scripts/gen-holidays.py, EXTRA).",
}


def holy_week_bank_days(years):
    """Mexico: Holy Thursday and Good Friday are not statutory rest days (LFT art. 74), but the
    banks close (CNBV's calendar) and most offices with them: no reminder goes on them."""
    from datetime import timedelta

    from dateutil.easter import easter

    out = {}
    for y in years:
        out[easter(y) - timedelta(days=3)] = "Jueves Santo"
        out[easter(y) - timedelta(days=2)] = "Viernes Santo"
    return out


# Days added to a country's national list beyond the library's statutory holidays.
EXTRA = {"MX": holy_week_bank_days}


def entries(cal, year_filter):
    """Sorted [{date, name}] for the given calendar object."""
    return [
        {"date": d.isoformat(), "name": name}
        for d, name in sorted(cal.items())
        if d.year in year_filter
    ]


def country_data(code):
    cal = dict(holidays.country_holidays(code, years=YEARS, language="es"))
    if code in EXTRA:
        cal.update(EXTRA[code](YEARS))
    data = {
        "country": code,
        "source": f"python holidays {holidays.__version__} (PyPI), scripts/gen-holidays.py",
        "years": YEARS,
        "calculated_years": CALCULATED_YEARS.get(code, []),
        "note": NOTES.get(code, ""),
        "national": entries(cal, YEARS),
        "regions": {},
    }
    if code == "ES":
        supported = set(holidays.ES.subdivisions)
        for region, name in ES_REGIONS.items():
            if region not in supported:
                sys.exit(f"holidays {holidays.__version__} has no ES subdivision {region}")
            reg = holidays.country_holidays(code, years=YEARS, subdiv=region, language="es")
            data["regions"][region] = {"name": name, "holidays": entries(reg, YEARS)}
    return data


def main():
    if holidays.__version__ != PINNED_VERSION and "--any-version" not in sys.argv:
        sys.exit(
            f"holidays {holidays.__version__} installed, {PINNED_VERSION} pinned; "
            "install the pinned version or pass --any-version and update PINNED_VERSION"
        )
    out_dir = pathlib.Path(__file__).resolve().parent.parent / "data" / "holidays"
    out_dir.mkdir(parents=True, exist_ok=True)
    for code in COUNTRIES:
        path = out_dir / f"{code.lower()}.json"
        text = json.dumps(country_data(code), ensure_ascii=False, indent=1, sort_keys=True)
        path.write_text(text + "\n", encoding="utf-8")
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
