"""Core statements compiled once per dialect and run on the driver's cursor, for the few that run on every turn."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Dialect
from sqlalchemy.sql import ClauseElement

Parameters = tuple[Any, ...] | dict[str, Any]


@dataclass(frozen=True)
class _Compiled:
    sql: str
    names: tuple[str, ...]
    processors: tuple[Callable[[Any], Any] | None, ...]
    literals: dict[str, Any]  # values written into the statement itself (`decision == "pending"`)
    defaults: dict[str, Callable[[], Any]]  # Python-side column defaults for columns not given
    positional: bool


class Precompiled:
    """A statement whose SQL and parameter processing are worked out once per dialect.

    SQLAlchemy rebuilds a statement's cache key, execution context and result object on every `execute`; on the
    hot path of a turn that costs more than SQLite's own work. A `Precompiled` statement keeps the bind types'
    processors (so values are stored exactly as a Core `execute` stores them), fills Python-side column defaults
    and runs on the driver's cursor inside the caller's SQLAlchemy connection and transaction. A driver error
    goes through SQLAlchemy's own handling, so callers see the same exception types (`IntegrityError`, a
    `DBAPIError` with `connection_invalidated` after a dropped connection) and the pool is invalidated the same
    way. Rows come back as the driver's tuples: use it for writes, and for reads whose columns need no
    conversion. Engine events such as `echo` logging don't see these statements.
    """

    def __init__(self, statement: ClauseElement, *, column_keys: Sequence[str] = ()) -> None:
        """`column_keys` names the columns an `insert(table)` without `.values()` takes, in any order."""
        self.statement = statement
        self.column_keys = tuple(column_keys)
        self._by_dialect: dict[tuple[object, ...], _Compiled] = {}

    def run(self, connection: Connection, values: Mapping[str, Any]) -> None:
        """Execute with one set of values (every bind of the statement must be given)."""
        compiled = self._for(connection.dialect)
        _execute(connection, compiled.sql, _parameters(compiled, values)).close()

    def first(self, connection: Connection, values: Mapping[str, Any]) -> tuple[Any, ...] | None:
        """Execute and return the first row the statement returns (a SELECT, or RETURNING), else None."""
        compiled = self._for(connection.dialect)
        cursor = _execute(connection, compiled.sql, _parameters(compiled, values))
        try:
            row = cursor.fetchone()
        finally:
            cursor.close()
        return None if row is None else tuple(row)

    def run_many(self, connection: Connection, rows: Iterable[Mapping[str, Any]]) -> None:
        """Execute once per row, as the driver's `executemany`."""
        compiled = self._for(connection.dialect)
        _execute(connection, compiled.sql, [_parameters(compiled, row) for row in rows], many=True).close()

    def _for(self, dialect: Dialect) -> _Compiled:
        key = (dialect.name, dialect.driver, dialect.paramstyle, dialect.server_version_info)
        found = self._by_dialect.get(key)
        if found is None:
            found = self._by_dialect.setdefault(key, self._compile(dialect))
        return found

    def _compile(self, dialect: Dialect) -> _Compiled:
        compiled = self.statement.compile(dialect=dialect, column_keys=list(self.column_keys) or None)
        if compiled.literal_execute_params or compiled.post_compile_params:
            raise ValueError("statements with expanding (IN) parameters can't be precompiled")
        binds = compiled.binds
        names = tuple(compiled.positiontup or ()) if compiled.positional else tuple(binds)
        processors = tuple(binds[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names)
        literals = {name: binds[name].effective_value for name in names if not binds[name].required}
        defaults = {column.key: _default(column.default) for column in compiled.insert_prefetch}
        defaults |= {column.key: _default(column.onupdate) for column in compiled.update_prefetch}
        return _Compiled(compiled.string, names, processors, literals, defaults, compiled.positional)


def _execute(connection: Connection, sql: str, parameters: Parameters | list[Parameters], *, many: bool = False) -> Any:
    """Run on the driver's cursor; a driver error is raised as SQLAlchemy raises it from `exec_driver_sql`."""
    if not connection.in_transaction():
        connection.begin()  # what SQLAlchemy's autobegin does, so that the caller's `commit()` commits
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        if many:
            cursor.executemany(sql, parameters)
        else:
            cursor.execute(sql, parameters)
    except Exception as error:  # noqa: BLE001 - handed on: SQLAlchemy wraps, invalidates on disconnect, re-raises
        connection._handle_dbapi_exception(error, sql, parameters, cursor, None)
    return cursor


def _default(default: Any) -> Callable[[], Any]:
    """A column's Python-side default as a function of nothing (a default must not read the statement's context)."""
    if default.is_scalar:
        return lambda: default.arg
    if default.is_callable:
        return lambda: default.arg(None)
    raise ValueError(f"column default {default!r} can't be computed outside a Core execution")


def _value(compiled: _Compiled, values: Mapping[str, Any], name: str) -> Any:
    if name in values:
        return values[name]
    if name in compiled.defaults:
        return compiled.defaults[name]()
    return compiled.literals[name]  # a KeyError names a bind the caller did not give


def _parameters(compiled: _Compiled, values: Mapping[str, Any]) -> Parameters:
    given = [_value(compiled, values, name) for name in compiled.names]
    converted = [
        value if process is None else process(value) for value, process in zip(given, compiled.processors, strict=True)
    ]
    if compiled.positional:
        return tuple(converted)
    return dict(zip(compiled.names, converted, strict=True))
