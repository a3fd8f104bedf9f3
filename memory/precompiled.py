"""Core statements compiled once per dialect and run as driver SQL, for the few that run on every turn."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, CursorResult, Dialect
from sqlalchemy.sql import ClauseElement


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

    SQLAlchemy rebuilds a statement's cache key, execution context and parameters on every `execute`; on the hot
    path of a turn that costs more than SQLite's own work. A `Precompiled` statement keeps the bind types'
    processors (so values are stored exactly as a Core `execute` stores them), fills Python-side column defaults
    and runs through `Connection.exec_driver_sql`, which keeps SQLAlchemy's transactions, events and exception
    types. Results come back as the driver returns them: use it for writes, and for reads whose columns need no
    conversion.
    """

    def __init__(self, statement: ClauseElement, *, column_keys: Sequence[str] = ()) -> None:
        """`column_keys` names the columns an `insert(table)` without `.values()` takes, in any order."""
        self.statement = statement
        self.column_keys = tuple(column_keys)
        self._by_dialect: dict[tuple[object, ...], _Compiled] = {}

    def run(self, connection: Connection, values: Mapping[str, Any]) -> CursorResult[Any]:
        """Execute with one set of values (every bind of the statement must be given)."""
        compiled = self._for(connection.dialect)
        return connection.exec_driver_sql(compiled.sql, _parameters(compiled, values))

    def run_many(self, connection: Connection, rows: Iterable[Mapping[str, Any]]) -> CursorResult[Any]:
        """Execute once per row, as the driver's `executemany`."""
        compiled = self._for(connection.dialect)
        return connection.exec_driver_sql(compiled.sql, [_parameters(compiled, row) for row in rows])

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


def _parameters(compiled: _Compiled, values: Mapping[str, Any]) -> tuple[Any, ...] | dict[str, Any]:
    given = [_value(compiled, values, name) for name in compiled.names]
    converted = [
        value if process is None else process(value) for value, process in zip(given, compiled.processors, strict=True)
    ]
    if compiled.positional:
        return tuple(converted)
    return dict(zip(compiled.names, converted, strict=True))
