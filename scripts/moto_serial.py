"""moto server for the contract tests, with every request handled one at a time.

moto's stock server runs requests on threads without isolation: two concurrent DynamoDB
TransactWriteItems can both pass their conditions (seen here: duplicate receipt numbers), which
real DynamoDB never allows. Serialising requests gives the tests DynamoDB's isolation, so a
concurrency test that passes here says something about the code, not about luck.

Usage: moto_serial.py HOST PORT
"""

import os
import sys
import threading

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import run_simple


def main() -> None:
    host, port = sys.argv[1], int(sys.argv[2])
    os.environ.setdefault("MOTO_PORT", str(port))
    app = DomainDispatcherApplication(create_backend_app)
    lock = threading.Lock()

    def serial(environ, start_response):
        with lock:
            # Materialise the body inside the lock: moto builds whole responses anyway.
            return list(app(environ, start_response))

    run_simple(host, port, serial, threaded=True, request_handler=MotoRequestHandler)


if __name__ == "__main__":
    main()
