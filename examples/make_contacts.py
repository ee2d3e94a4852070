"""Writes `contacts.parquet`, the small contacts table the example campaigns are previewed on.

One row per (list, contact), as CONTRACT §6 describes: the lists of `lists.sel`, one column per
field the campaigns filter on, and `priority_tier`. The data is seeded, so running this again
gives the same rows. It is made to show what a preview is for: a few contacts whose values are
mis-cased (`Lapsed`, `Confirmed`), nulls where a rule needs a value, contacts on two lists at
once, and do-not-call lists that hold only `list_id` and `contact_id`.

    python examples/make_contacts.py            # writes examples/contacts.parquet
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from decimal import Decimal
from pathlib import Path

import duckdb

COLUMNS = {
    "list_id": "VARCHAR",
    "contact_id": "VARCHAR",
    "first_name": "VARCHAR",
    "status": "VARCHAR",
    "age": "INTEGER",
    "state": "VARCHAR",
    "email": "VARCHAR",
    "phone_verified": "BOOLEAN",
    "line_type": "VARCHAR",
    "tcpa_consent": "BOOLEAN",
    "consent_date": "DATE",
    "last_purchase_date": "DATE",
    "Lifetime Value": "DECIMAL(10, 2)",
    "balance_due": "DECIMAL(10, 2)",
    "days_past_due": "INTEGER",
    "account_status": "VARCHAR",
    "last_contact_at": "TIMESTAMPTZ",
    "appointment_date": "DATE",
    "appointment_status": "VARCHAR",
    "reminder_opt_out": "BOOLEAN",
    "clinic_id": "INTEGER",
    "preferred_language": "VARCHAR",
    "priority_tier": "VARCHAR",
}

NAMES = "Ana Ben Chloe Dev Elif Femi Gus Hana Ivan Jia Kofi Lena Mo Nia Omar Pia Raj Sol Tess Uma"
STATES = ["CA", "NY", "TX", "FL", "MA", "WA", "IL", "GA", "NY", "CA", "TX"]
LINE_TYPES = ["mobile", "mobile", "mobile", "landline", "voip", "blocked"]


class Maker:
    """Draws contacts from one seeded generator; each contact keeps its number and person."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.used: set[str] = set()

    def phone(self) -> str:
        while True:
            area = self.rng.choice(["212", "310", "415", "512", "617", "713"])
            number = f"+1{area}555{self.rng.randint(0, 9999):04d}"
            if number not in self.used:
                self.used.add(number)
                return number

    def day(self, first: str, last: str) -> dt.date:
        start, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
        return start + dt.timedelta(days=self.rng.randint(0, (end - start).days))

    def maybe(self, share: float, value: object) -> object:
        """`value`, or null for about `share` of the contacts."""
        return None if self.rng.random() < share else value

    def person(self, contact_id: str) -> dict[str, object]:
        rng = self.rng
        name = rng.choice(NAMES.split())
        consented = rng.random() < 0.85
        return {
            "contact_id": contact_id,
            "first_name": name,
            "age": self.maybe(0.04, rng.randint(16, 84)),
            "state": rng.choice(STATES),
            "email": self.maybe(0.15, f"{name.lower()}.{contact_id[-4:]}@example.com"),
            "phone_verified": rng.random() < 0.9,
            "line_type": rng.choice(LINE_TYPES),
            "tcpa_consent": consented,
            "consent_date": self.maybe(0.1, self.day("2020-06-01", "2024-05-31")),
        }

    def winback(self, person: dict[str, object]) -> dict[str, object]:
        rng = self.rng
        lifetime = Decimal(rng.randint(2000, 250000)) / 100
        return person | {
            # A few rows say `Lapsed`: `status == "lapsed"` does not match them.
            "status": rng.choices(["lapsed", "active", "Lapsed", "cancelled"], [70, 15, 8, 7])[0],
            "last_purchase_date": self.maybe(0.05, self.day("2022-09-01", "2024-01-31")),
            "Lifetime Value": lifetime,
            "priority_tier": "high_value"
            if lifetime >= 1000
            else rng.choice(["recent_engagement", "recent_engagement", None]),
        }

    def collections(self, person: dict[str, object], low: int, high: int) -> dict[str, object]:
        rng = self.rng
        due = rng.randint(low, high)
        balance = Decimal(rng.randint(500, 480000)) / 100
        contacted = dt.datetime(2024, 3, 1, 9, tzinfo=dt.UTC) + dt.timedelta(
            minutes=rng.randint(0, 130 * 24 * 60)
        )
        return person | {
            "status": "active",
            "balance_due": balance,
            "days_past_due": due,
            "account_status": rng.choices(
                ["open", "payment_plan", "disputed", "settled", "charged_off"], [60, 20, 8, 7, 5]
            )[0],
            "last_contact_at": self.maybe(0.05, contacted),
            "priority_tier": "days_past_due_desc"
            if due >= 75
            else ("balance_desc" if balance >= 1000 else None),
        }

    def appointment(self, person: dict[str, object]) -> dict[str, object]:
        rng = self.rng
        day = self.day("2024-06-28", "2024-07-09")
        return person | {
            "status": "active",
            "appointment_date": day,
            "appointment_status": rng.choices(
                ["confirmed", "pending", "cancelled", "Confirmed"], [70, 15, 10, 5]
            )[0],
            # Nobody on this week's list has opted out yet, so that rule removes no one.
            "reminder_opt_out": None,
            "clinic_id": rng.choice([101, 102, 205, 205, 310]),
            "preferred_language": rng.choice(["en", "en-US", "en", "es", "es-MX", "EN"]),
            "priority_tier": "same_day"
            if day == dt.date(2024, 7, 1)
            else ("next_day" if day == dt.date(2024, 7, 2) else None),
        }


def rows(seed: int = 2024) -> list[dict[str, object]]:
    make = Maker(seed)
    out: list[dict[str, object]] = []

    def add(list_id: str, row: dict[str, object]) -> None:
        out.append({"list_id": list_id} | row)

    lapsed = [make.winback(make.person(make.phone())) for _ in range(180)]
    leads = [make.winback(make.person(make.phone())) for _ in range(110)]
    for row in lapsed:
        add("list_lapsed_2023", row)
    for row in leads:
        add("list_123abc", row)
    # Some lapsed customers came back as spring leads: two rows, one contact, counted once.
    for row in lapsed[:25]:
        add("list_123abc", row | {"priority_tier": None})

    early = [make.collections(make.person(make.phone()), 30, 60) for _ in range(140)]
    late = [make.collections(make.person(make.phone()), 61, 95) for _ in range(120)]
    for row in early:
        add("list_coll_3060", row)
    for row in late:
        add("list_coll_6090", row)

    visits = [make.appointment(make.person(make.phone())) for _ in range(130)]
    for row in visits:
        add("list_appt_week", row)

    def suppress(list_id: str, people: list[dict[str, object]], count: int, strangers: int) -> None:
        for row in make.rng.sample(people, count):
            add(list_id, {"contact_id": row["contact_id"]})
        for _ in range(strangers):
            add(list_id, {"contact_id": make.phone()})

    suppress("list_dnc_001", lapsed + leads + early + late + visits, 45, 30)
    suppress("list_dnc_state_004", early + late, 12, 5)
    suppress("list_litigators_007", lapsed + leads + early + late, 6, 4)
    suppress("list_bankruptcy_002", early + late, 10, 3)
    return out


def write(path: Path, seed: int = 2024) -> int:
    """Writes the table to `path` as Parquet and returns its row count."""
    table = rows(seed)
    con = duckdb.connect()
    columns = ", ".join(f'"{name}" {kind}' for name, kind in COLUMNS.items())
    con.execute(f"CREATE TABLE contacts ({columns})")
    con.executemany(
        f"INSERT INTO contacts VALUES ({', '.join('?' for _ in COLUMNS)})",
        [[row.get(name) for name in COLUMNS] for row in table],
    )
    quoted = "'" + str(path).replace("'", "''") + "'"
    con.execute(f"COPY (FROM contacts ORDER BY list_id, contact_id) TO {quoted} (FORMAT parquet)")
    con.close()
    return len(table)


if __name__ == "__main__":
    default = Path(__file__).with_name("contacts.parquet")
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    print(f"wrote {write(target)} rows to {target}")
