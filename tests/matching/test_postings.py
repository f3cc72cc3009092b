"""The column store grows by delta and merges without losing or duplicating entries."""

import numpy as np

from matching.postings import Postings


def _as_set(p: Postings, cols: list[int]) -> set[tuple[int, int, float]]:
    rows, vals, which = p.gather(np.array(cols))
    return {(cols[w], r, round(float(v), 4)) for r, v, w in zip(rows, vals, which, strict=True)}


def test_gather_sees_main_and_delta_alike() -> None:
    p = Postings(merge_min=3, merge_share=0.0)
    p.extend([0, 1, 1], [10, 11, 12], [1.0, 0.5, 0.25])
    p.build()
    p.add(1, 13, 2.0)
    expected = {(1, 11, 0.5), (1, 12, 0.25), (1, 13, 2.0), (0, 10, 1.0)}
    assert _as_set(p, [1, 0]) == expected
    for i in range(5):  # crosses the merge threshold
        p.add(7, 20 + i, 1.0)
    assert _as_set(p, [1, 0]) == expected
    assert {r for _, r, _ in _as_set(p, [7])} == {20, 21, 22, 23, 24}
    assert _as_set(p, [99]) == set()


def test_build_with_row_map_drops_and_renumbers() -> None:
    p = Postings()
    p.extend([0, 0, 1], [0, 1, 2], [1.0, 1.0, 1.0])
    p.build(np.array([-1, 0, 1]))
    assert _as_set(p, [0, 1]) == {(0, 0, 1.0), (1, 1, 1.0)}
