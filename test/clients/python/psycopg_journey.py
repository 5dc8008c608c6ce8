"""The client journey with psycopg 3 against an Eddy server (run by psycopg-journey.test.ts).

Usage: psycopg_journey.py CONNINFO. Prints one JSON object per observation ({"step": ...}); the
Node.js wrapper holds the expected values. Any unexpected exception ends the run with a traceback.
"""

import json
import sys

import psycopg
from psycopg import errors
from psycopg.types import TypeInfo


def report(step, **observed):
    print(json.dumps({"step": step, **observed}, default=str), flush=True)


def main(conninfo):
    app = psycopg.connect(conninfo, autocommit=True)
    follower = psycopg.connect(conninfo, autocommit=True)
    report("version", psycopg=psycopg.__version__, libpq=psycopg.pq.version())

    app.execute(
        "CREATE TABLE orders (id integer PRIMARY KEY, region text NOT NULL, amount numeric(10,2))"
    )
    with app.cursor() as cur:
        # executemany runs in pipeline mode: many Parse/Bind/Execute before one Sync.
        cur.executemany(
            "INSERT INTO orders VALUES (%s, %s, %s)",
            [(1, "east", "10.50"), (2, "west", 20), (3, "east", 5)],
        )
        report("insert", rowcount=cur.rowcount)
    app.execute(
        "CREATE MATERIALIZED VIEW revenue AS"
        " SELECT region, sum(amount) AS total, count(*) AS orders FROM orders GROUP BY region"
    )

    by_region = "SELECT total, orders FROM revenue WHERE region = %s"
    with app.cursor() as cur:
        cur.execute(by_region, ["east"])
        report(
            "select",
            columns=[(c.name, c.type_code) for c in cur.description],
            rows=[[str(total), orders] for total, orders in cur.fetchall()],
        )
        cur.execute(by_region, ["west"], binary=True)
        report("select binary", rows=[[str(total), orders] for total, orders in cur.fetchall()])

    info = TypeInfo.fetch(app, "numeric")
    report("type info", name=info.name, oid=info.oid, array_oid=info.array_oid)

    changes = []
    with follower.cursor() as cur:
        try:
            with cur.copy("COPY (SUBSCRIBE revenue WITH (snapshot = false)) TO STDOUT") as copy:
                copy.set_types(["int8", "bool", "int8", "text", "numeric", "int8"])
                app.execute("INSERT INTO orders VALUES (%s, %s, %s)", (4, "west", "1"))
                for row in copy.rows():
                    changes.append([str(v) for v in row])
                    if len(changes) == 2:
                        follower.cancel_safe()
        except errors.QueryCanceled as e:
            report("change", rows=changes, ended=e.sqlstate, message=e.diag.message_primary)
    report("after cancel", rows=follower.execute("SELECT 1").fetchall())

    try:
        app.execute("INSERT INTO orders VALUES (%s, %s, %s)", (1, "north", "1"))
    except errors.UniqueViolation as e:
        report(
            "duplicate key",
            sqlstate=e.sqlstate,
            message=e.diag.message_primary,
            detail=e.diag.message_detail,
        )
    try:
        app.execute("SELECT total FROM nowhere WHERE region = %s", ["east"])
    except errors.UndefinedTable as e:
        report(
            "undefined table",
            sqlstate=e.sqlstate,
            message=e.diag.message_primary,
            position=e.diag.statement_position,
        )
    follower.close()
    app.close()
    report("done")


if __name__ == "__main__":
    main(sys.argv[1])
