"""The X12 readers' dicts, shaped without pydantic, against what pydantic makes of them."""

from __future__ import annotations

from edi.x12.model import TransactionSet
from translators.canonical import canonical, dump, to_json
from translators.x12 import MAPPINGS


def assert_shaped_as_pydantic(ts: TransactionSet) -> None:
    """The mapping's dict, shaped without pydantic, is exactly what pydantic makes of it (keys in order)."""
    mapping = MAPPINGS[ts.id]
    data = mapping.read(ts.segments, ts.delimiters.component)
    shaped = canonical(mapping.model, data)
    if shaped is None:  # refused: to_canonical asks pydantic, whose verdict stands
        return
    expected = dump(mapping.model.model_validate(data))
    assert list(to_json(shaped)) == list(to_json(expected))
