"""moto server for the contract tests, with every request handled one at a time.

moto's stock server runs requests on threads without isolation: two concurrent DynamoDB
TransactWriteItems can both pass their conditions (seen here: duplicate receipt numbers), which
real DynamoDB never allows. Serialising requests gives the tests DynamoDB's isolation, so a
concurrency test that passes here says something about the code, not about luck.

moto also saves a whole deep copy of a table before every TransactWriteItems (once per item it names), to
roll back a cancelled one: a transaction then costs as much as the table is large, and a day of 10,000
applications drove a server to 24 GB. Here a transaction saves only the items it names, and puts exactly
those back when it is cancelled, which is all a rollback of it changes. And moto lists its own package's
folders at every request to find the service: they are listed once. And a query of a table's partition reads
that partition, not every item of the table sorted (as moto does for every query): 100,000 applications are
about a million items.

Usage: moto_serial.py HOST PORT
"""

import os
import sys
import threading

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import run_simple


def roll_back_only_what_a_transaction_names() -> None:
    import copy
    import types

    import moto.dynamodb.models as models
    from moto.dynamodb.models.dynamo_type import DynamoType
    from moto.dynamodb.models.table import Table

    # The backend's own copy of a whole table becomes the table itself (no copy, no restore)...
    models.copy = types.SimpleNamespace(deepcopy=lambda x, *a: x if isinstance(x, Table) else copy.deepcopy(x, *a))
    original = models.DynamoDBBackend.transact_write_items

    def transact_write_items(self, transact_items):
        # ...and the items the transaction names are saved and put back instead.
        saved = []
        for entry in transact_items:
            for op in entry.values():
                table = self.tables.get(op.get("TableName"))
                if table is None:
                    continue
                key = op.get("Key") or op.get("Item") or {}
                if table.hash_key_attr not in key:
                    continue
                hash_value = DynamoType(key[table.hash_key_attr])
                range_value = DynamoType(key[table.range_key_attr]) if table.range_key_attr in key else None
                current = table.get_item(hash_value, range_value)
                saved.append((table, hash_value, range_value, copy.deepcopy(current)))
        try:
            return original(self, transact_items)
        except Exception:
            for table, hash_value, range_value, item in reversed(saved):
                if range_value is None:
                    if item is None:
                        table.items.pop(hash_value, None)
                    else:
                        table.items[hash_value] = item
                elif item is None:
                    table.items.get(hash_value, {}).pop(range_value, None)
                else:
                    table.items[hash_value][range_value] = item
            raise

    models.DynamoDBBackend.transact_write_items = transact_write_items


def list_moto_s_modules_once() -> None:
    from moto import backends

    modules = tuple(backends.list_of_moto_modules())
    backends.list_of_moto_modules = lambda: modules


def query_only_the_partition() -> None:
    from moto.dynamodb.models.table import Table

    original = Table.query

    def query(self, hash_key, *args, **kwargs):
        index_name = kwargs["index_name"] if "index_name" in kwargs else (args[6] if len(args) > 6 else None)
        if index_name is not None or hash_key is None or not self.range_key_attr:
            return original(self, hash_key, *args, **kwargs)
        # The query's own scan of "all items" sees this partition's, in the order moto sorts them.
        partition = self.items.get(hash_key, {})
        self.all_items = lambda: sorted(partition.values(), key=lambda item: item.range_key)
        try:
            return original(self, hash_key, *args, **kwargs)
        finally:
            del self.all_items

    Table.query = query


def main() -> None:
    roll_back_only_what_a_transaction_names()
    list_moto_s_modules_once()
    query_only_the_partition()
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
