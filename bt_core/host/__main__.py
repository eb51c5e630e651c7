"""`python -m bt_core.host SESSION_ID [--device-port N] [--port N]`: run a session host (started by bt)."""

from __future__ import annotations

import argparse
import logging
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bt-session-host", description="Hold one bt session's live side.")
    parser.add_argument("session_id")
    parser.add_argument("--device-port", type=int, default=0)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s host %(process)d %(levelname)s %(message)s")
    from bt_core.errors import BtError
    from bt_core.host.live import SessionHost
    from bt_core.services import Services
    from bt_core.settings import load_settings

    services = Services(load_settings())
    try:
        return SessionHost(services, args.session_id, device_port=args.device_port, port=args.port).run()
    except BtError as error:
        logging.getLogger("bt.host").error("%s", error)
        return 1
    finally:
        services.close()


if __name__ == "__main__":
    sys.exit(main())
