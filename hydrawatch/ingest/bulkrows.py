"""The bulk write path of the ingest writer: rows loaded as prepared tuples (SQLite: one
``executemany`` of the upsert itself in conflict-key order; PostgreSQL: ``COPY`` into an
index-free staging table, then one set-based ``INSERT ... SELECT ... ON CONFLICT``) with the
very same conflict rules as the row path. ``BulkRows`` is mixed into
``writer.BatchWriter``, whose ``db``, ``dialect`` and ``_stages`` it uses.
"""

from __future__ import annotations

import functools
import operator
from datetime import datetime, timezone

import orjson
from sqlalchemy import JSON, Column, DateTime, MetaData, Table, select, true


class BulkRows:
    def _stage(self, table: Table, keys: list[str]) -> Table:
        """An index-free temporary table with ``keys`` columns of ``table``, emptied."""
        name = f"_stage_{table.name}_{len(keys)}"
        stage = self._stages.get(name)
        cursor = self.db.connection().connection.cursor()
        try:
            if stage is None:
                cols = ", ".join(keys)
                if self.dialect == "postgresql":
                    cursor.execute(f"CREATE TEMPORARY TABLE IF NOT EXISTS {name} ON COMMIT DROP "
                                   f"AS SELECT {cols} FROM {table.name} WITH NO DATA")
                else:
                    cursor.execute(f"CREATE TEMPORARY TABLE IF NOT EXISTS {name} "
                                   f"AS SELECT {cols} FROM {table.name} WHERE 0")
                stage = Table(name, MetaData(), *[Column(k, table.c[k].type) for k in keys])
                self._stages[name] = stage
            cursor.execute(f"DELETE FROM {name}")
        finally:
            cursor.close()
        return stage

    def _columns(self, table: Table, keys: list[str], rows: list[dict]) -> list[tuple]:
        """Rows as tuples in ``keys`` order, time and JSON columns converted."""
        return list(map(self._row_maker(table, tuple(keys)), rows))

    def _row_maker(self, table: Table, keys: tuple):
        """A function dict row -> tuple for these columns, generated once: one Python call
        per row instead of a loop over its columns."""
        cache_key = (self.dialect, table.name, keys)
        maker = _MAKERS.get(cache_key)
        if maker is None:
            env = {}
            parts = []
            for i, k in enumerate(keys):
                f = self._converter(table.c[k].type)
                if f is None:
                    parts.append(f"r[{k!r}]")
                else:
                    env[f"f{i}"] = f
                    parts.append(f"(None if (v{i} := r[{k!r}]) is None else f{i}(v{i}))")
            src = f"lambda r: ({', '.join(parts)},)"
            maker = _MAKERS[cache_key] = eval(src, env)  # noqa: S307 - our own column names
        return maker

    def _bulk(self, stmt, rows: list[dict]) -> None:
        """Load ``rows`` into a staging table, then one ``INSERT ... SELECT`` carrying the
        statement's ``ON CONFLICT`` clause, in key order (a stable lock order)."""
        if not rows:
            return
        if self.dialect == "sqlite":
            return self._sqlite_bulk(stmt, rows)
        table = stmt.table
        keys = list(rows[0])
        stage = self._stage(table, keys)
        params = self._columns(table, keys, rows)
        cursor = self.db.connection().connection.cursor()
        try:
            if self.dialect == "postgresql":
                with cursor.copy(f"COPY {stage.name} ({', '.join(keys)}) FROM STDIN") as copy:
                    for row in params:
                        copy.write_row(row)
            else:
                marks = ", ".join("?" * len(keys))
                cursor.executemany(f"INSERT INTO {stage.name} ({', '.join(keys)}) "
                                   f"VALUES ({marks})", params)
            order = [stage.c[k] for k in _conflict_keys(stmt) if k in stage.c]
            source = select(*[stage.c[k] for k in keys]).where(true()).order_by(*order)
            merged = _from_select(stmt, keys, source)
            cursor.execute(*_compiled(merged, self.db.get_bind().dialect))
        finally:
            cursor.close()

    def _sqlite_bulk(self, stmt, rows: list[dict]) -> None:
        """SQLite: the statement itself (``INSERT ... ON CONFLICT``, the same conflict
        rules) run as one prepared executemany over tuples in conflict-key order -- the
        order the staging merge used. A staging table would only add a second copy of every
        row here (there is no ``COPY`` to win back)."""
        keys = tuple(rows[0])
        table = stmt.table
        post = stmt._post_values_clause
        cache_key = (table.name, keys, type(post).__name__)
        plan = _SQLITE_PLANS.get(cache_key)
        if plan is None:
            compiled = stmt.compile(dialect=self.db.get_bind().dialect, column_keys=list(keys))
            order = tuple(compiled.binds[n].key if n in compiled.binds else n
                          for n in compiled.positiontup)
            if sorted(order) != sorted(keys):
                raise AssertionError(f"unexpected parameters for {table.name}: {order}")
            sort_idx = [order.index(k) for k in _conflict_keys(stmt) if k in order]
            plan = _SQLITE_PLANS[cache_key] = (str(compiled), self._row_maker(table, order),
                                               operator.itemgetter(*sort_idx))
        sql, maker, sort_key = plan
        params = list(map(maker, rows))
        params.sort(key=sort_key)
        cursor = self.db.connection().connection.cursor()
        try:
            cursor.executemany(sql, params)
        finally:
            cursor.close()

    # -- the row path ------------------------------------------------------------------

    def _many(self, stmt, rows: list[dict]) -> None:
        """executemany on the raw DBAPI cursor, in the session's transaction. SQLAlchemy's
        per-row parameter processing cost more than the database itself on this path, so
        the statement is compiled once and only time and JSON columns are converted here."""
        if not rows:
            return
        keys = list(rows[0])
        compiled = stmt.compile(dialect=self.db.get_bind().dialect, column_keys=keys)
        columns = stmt.table.c
        cursor = self.db.connection().connection.cursor()
        try:
            if compiled.positiontup is not None:
                order = [compiled.binds[n].key if n in compiled.binds else n
                         for n in compiled.positiontup]
            else:
                order = keys
            convs = [(i, f) for i, k in enumerate(order)
                     if (f := self._converter(columns[k].type)) is not None]
            getter = operator.itemgetter(*order)
            params = []
            for r in rows:
                vals = list(getter(r)) if len(order) > 1 else [getter(r)]
                for i, f in convs:
                    if vals[i] is not None:
                        vals[i] = f(vals[i])
                params.append(vals if compiled.positiontup is not None else dict(zip(order, vals)))
            cursor.executemany(str(compiled), params)
        finally:
            cursor.close()

    def _converter(self, coltype):
        if isinstance(coltype, JSON):
            return _json_text
        if isinstance(coltype, DateTime) and self.dialect == "sqlite":
            return _sqlite_time
        return None


_MAKERS: dict = {}
_SQLITE_PLANS: dict = {}
_STMTS: dict = {}  # (dialect, name) -> upsert statement
_UTC = timezone.utc


def _sqlite_time(v: datetime) -> str:
    """The stored text of a time, remembered: a batch's rows share most of their times
    (a page's observation time, an account's first and last seen), and a lookup costs a
    twentieth of formatting. Equal instants have one text, so the key is the instant."""
    s = _TIME_TEXT.get(v)
    if s is None:
        if len(_TIME_TEXT) >= 1 << 17:
            _TIME_TEXT.clear()
        s = _TIME_TEXT[v] = _sqlite_time_text(v)
    return s


_TIME_TEXT: dict = {}


def _sqlite_time_text(v: datetime) -> str:
    if v.tzinfo is _UTC:  # the common case, formatted without a cache (2x isoformat)
        return "%04d-%02d-%02d %02d:%02d:%02d.%06d" % (v.year, v.month, v.day, v.hour, v.minute,
                                                       v.second, v.microsecond)
    return _sqlite_time_any(v)


@functools.lru_cache(maxsize=1 << 16)  # many rows share a time (pages, ingest time)
def _sqlite_time_any(v: datetime) -> str:
    # SQLAlchemy's SQLite DATETIME storage: naive 'YYYY-MM-DD HH:MM:SS.ffffff' (UTC here),
    # always with microseconds so that the strings compare in time order.
    if v.tzinfo is not None:
        v = v.astimezone(timezone.utc).replace(tzinfo=None)
    return v.isoformat(sep=" ", timespec="microseconds")


def _json_text(v) -> str:
    return orjson.dumps(v).decode()  # psycopg sends str as 'unknown', PostgreSQL casts to json


def _key3(row: dict):
    return (row["platform"], row["account_id"], row["handle_norm"])


def _conflict_keys(stmt) -> list[str]:
    """The ``index_elements`` of an ``ON CONFLICT`` statement (else the table's unique key)."""
    post = stmt._post_values_clause
    elems = getattr(post, "inferred_target_elements", None) if post is not None else None
    if elems:
        return [e if isinstance(e, str) else e.name for e in elems]
    for cons in stmt.table.constraints:
        if cons.__class__.__name__ == "UniqueConstraint":
            return [c.name for c in cons.columns]
    return []


def _from_select(stmt, keys: list[str], source):
    """The same dialect insert with the same ``ON CONFLICT`` clause, fed by ``source``."""
    merged = stmt.__class__(stmt.table).from_select(keys, source)
    merged._post_values_clause = stmt._post_values_clause
    return merged


def _compiled(stmt, dialect) -> tuple:
    compiled = stmt.compile(dialect=dialect)
    if compiled.positiontup is not None:
        return str(compiled), tuple(compiled.params[n] for n in compiled.positiontup)
    return str(compiled), compiled.params
