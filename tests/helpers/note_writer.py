"""A writer process for the note durability test: adds notes through NotesService, printing each id."""

from __future__ import annotations

import sys

from bt_core.services import Services
from bt_core.settings import Settings
from tests.core.store_fixtures import open_store


def main() -> None:
    url, session_id, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    services = Services(Settings(technician="alice"), store=open_store(url))
    for index in range(count):
        note = services.notes.add(session_id, f"note {index}")
        sys.stdout.write(f"{note.id}\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
