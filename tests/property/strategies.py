"""Hypothesis strategies: valid and invalid property values, vectors, names and settings."""

from __future__ import annotations

import math
import os
import re
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

__all__ = [
    "CANARY",
    "FUZZ",
    "bad_names",
    "bad_property_values",
    "bad_vectors",
    "good_vectors",
    "property_names",
    "surrogate_text",
    "valid_text",
]

#: A secret that must never show up in a message, a log line, an event or a repr.
CANARY = "sk-canary-7d3f0a91c2"

#: Bounded and deterministic (derandomized), so CI runs the same examples every time.
#: ``WEAVORM_FUZZ_EXAMPLES=500 WEAVORM_FUZZ_RANDOM=1`` explores further by hand.
FUZZ = settings(
    max_examples=int(os.environ.get("WEAVORM_FUZZ_EXAMPLES", "25")),
    deadline=None,
    derandomize=not os.environ.get("WEAVORM_FUZZ_RANDOM"),
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

SURROGATES = st.sampled_from(["\ud800", "\udbff", "\udc00", "\udfff"])
#: Text the server stores unchanged: any character but lone surrogates.
valid_text = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=30)
surrogate_text = st.builds(
    lambda a, s, b: a + s + b, st.text(max_size=5, alphabet="abc"), SURROGATES, valid_text
)
property_names = st.from_regex(re.compile(r"[a-z][a-z0-9_]{0,10}"), fullmatch=True).filter(
    lambda n: n not in {"id", "vector", "_id", "_additional"}
)
NON_FINITE = st.sampled_from([math.nan, math.inf, -math.inf])


def _deep(levels: int, leaf: Any) -> Any:
    value = {"leaf": leaf}
    for _ in range(levels):
        value = {"inner": value}
    return value


def _cyclic(kind: int) -> Any:
    if kind == 0:
        d: dict[str, Any] = {"a": 1}
        d["self"] = d
        return d
    items: list[Any] = [{"a": 1}]
    items.append({"b": items})
    return items


#: Values no property can hold: invalid text, NaN/infinity, too deep, cyclic, unknown.
bad_property_values = st.one_of(
    surrogate_text,
    st.lists(surrogate_text, min_size=1, max_size=3).map(lambda v: ["ok", *v]),
    st.dictionaries(st.just("note"), surrogate_text, min_size=1),
    NON_FINITE,
    st.lists(NON_FINITE, min_size=1, max_size=3).map(lambda v: [1.5, *v]),
    st.integers(min_value=25, max_value=400).map(lambda n: _deep(n, 1)),
    st.just(_deep(3000, "x")),
    st.integers(min_value=0, max_value=1).map(_cyclic),
    st.sampled_from([complex(1, 2), object(), print, Ellipsis]),
)

_finite32 = st.floats(min_value=-1e30, max_value=1e30, allow_nan=False).map(float)
good_vectors = st.lists(_finite32, min_size=3, max_size=3)


def _poisoned(values: list[float], bad: float, at: int) -> list[float]:
    out = list(values)
    out[at % len(out)] = bad
    return out


#: Vectors that must be refused: NaN, infinity, beyond float32, not a sequence of numbers.
bad_vectors = st.one_of(
    st.builds(
        _poisoned,
        good_vectors,
        st.one_of(NON_FINITE, st.floats(min_value=3.5e38, max_value=1e300), st.just(-1e39)),
        st.integers(min_value=0, max_value=2),
    ),
    st.sampled_from([5, 1.5, "abc", b"abc", {"x"}, [], [1.0, "x", 2.0], [1.0, None, 2.0]]),
)

#: Names that must never reach a URL path.
bad_names = st.one_of(
    st.sampled_from([".", "..", "", " ", "a/b", "../Other", "A b", "A\n", "A" * 256, "Ä"]),
    surrogate_text,
    st.text(min_size=1, max_size=12).filter(
        lambda t: re.fullmatch(r"[A-Za-z][_0-9A-Za-z]{0,254}", t) is None
    ),
)
