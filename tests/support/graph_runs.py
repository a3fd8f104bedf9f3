"""Running the compiled supervisor graph in tests: one message in, the thread's state and pending approvals out."""

from __future__ import annotations

from typing import Any


def run(graph: Any, context: Any, text: str, thread: str = "t1") -> Any:
    """Send `text` to `thread` and return the thread's state snapshot."""
    config = {"configurable": {"thread_id": thread}}
    graph.invoke({"messages": [("human", text)], "brand_id": context.brand.id}, config, context=context)
    return graph.get_state(config)


def pending(snapshot: Any) -> list:
    """The approval requests the thread is waiting on."""
    return [i.value for i in snapshot.interrupts]
