"""One service-like process for the digest tests: the real outbox (with its reminder pass) over the
state database in DATA_DIR, posting to the Slack stand-in, for `seconds` seconds.

    python -m tests.escalation.reminder_process SECONDS
"""

from __future__ import annotations

import sys
import time

from bot.settings import Settings
from bot.slack.support import escalation_service
from bot.store.database import Database


def main(seconds: float) -> None:
    settings = Settings.load(dotenv_path=None)
    database = Database(settings.state_db)
    _, outbox = escalation_service(settings, database)
    outbox.idle_poll = 0.05
    outbox.start()
    time.sleep(seconds)
    outbox.stop()
    database.close()
    print("done", flush=True)


if __name__ == "__main__":
    main(float(sys.argv[1]))
