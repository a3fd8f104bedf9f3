"""Reading many Graph API nodes' insights at once: `?ids=` batches of 50, post by post when a batch is refused.

Graph refuses a whole `?ids=` read when one id no longer exists ("(#100) Some of the aliases you requested do not
exist"), so a batch refused with code 100 is read again one node at a time. A node Graph says does not exist is
left out; any other refusal of a single node raises, so a retired metric can't pass for deleted posts.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from typing import Any

from tools.platforms.base import AuthError, DeprecatedVersionError, PermanentError
from tools.platforms.insights import batches, count, distinct, malformed
from tools.platforms.meta import GraphApi

log = logging.getLogger(__name__)

MAX_IDS = 50
GRAPH_ID = re.compile(r"[0-9]+(_[0-9]+)?")  # a Page post is {page_id}_{post_id}, Instagram media a number
_GONE = re.compile(r"do(es)? not exist", re.IGNORECASE)


def read_nodes(graph: GraphApi, external_ids: Sequence[str], token: str, fields: str) -> dict[str, Mapping[str, Any]]:
    """The requested fields of each node Graph still has, by id; ids that can't be Graph ids are not sent."""
    ids = [i for i in distinct(external_ids) if GRAPH_ID.fullmatch(i)]
    nodes: dict[str, Mapping[str, Any]] = {}
    for batch in batches(ids, MAX_IDS):
        try:
            nodes.update(_read(graph, batch, token, fields))
        except PermanentError as exc:
            if not _per_node_retry(exc):
                raise
            if len(batch) > 1:
                for node_id in batch:
                    nodes.update(read_nodes(graph, [node_id], token, fields))
            elif _gone(exc):
                log.info("%s: post %s no longer exists; leaving it out", graph.platform, batch[0])
            else:
                raise
    return nodes


def metric_values(node: Mapping[str, Any]) -> dict[str, Any]:
    """A node's `insights.data` as metric name -> value (the last of `values`, or `total_value.value`)."""
    insights = node.get("insights")
    data = insights.get("data") if isinstance(insights, Mapping) else None
    found: dict[str, Any] = {}
    for metric in data if isinstance(data, list) else []:
        if not isinstance(metric, Mapping) or not metric.get("name"):
            continue
        values = metric.get("values")
        if isinstance(values, list) and values and isinstance(values[-1], Mapping):
            found[str(metric["name"])] = values[-1].get("value")
        elif isinstance(metric.get("total_value"), Mapping):
            found[str(metric["name"])] = metric["total_value"].get("value")
    return found


def count_of(values: Mapping[str, Any], name: str) -> float | None:
    """One metric's count; a breakdown (a dict such as reactions by type) counts as the sum of its parts."""
    value = values.get(name)
    if isinstance(value, Mapping):
        parts = [count(v) for v in value.values()]
        return sum(p for p in parts if p is not None)
    return count(value)


def _read(graph: GraphApi, ids: list[str], token: str, fields: str) -> dict[str, Mapping[str, Any]]:
    answer = graph.read_many(ids, token, fields=fields)
    nodes = {i: answer[i] for i in ids if isinstance(answer.get(i), Mapping)}
    if not nodes and ids:
        raise malformed(graph.platform, "Meta", "no object for the ids asked")
    return nodes


def _per_node_retry(error: PermanentError) -> bool:
    return error.code == "100" and not isinstance(error, AuthError | DeprecatedVersionError)


def _gone(error: PermanentError) -> bool:
    return _per_node_retry(error) and bool(_GONE.search(error.message))
