"""The index's copy of the interest marks: replacing a need's marks leaves no trace of the old."""

from app.matches.marks import MarkBook, MarkRow


def test_replacing_a_needs_marks_drops_the_old_ones_from_both_sides() -> None:
    book = MarkBook()
    book.replace(
        {1, 2},
        [
            MarkRow(1, 10, "buyer", "interested"),
            MarkRow(1, 10, "sme", "interested"),
            MarkRow(1, 11, "buyer", "declined"),
            MarkRow(2, 10, "sme", "interested"),
        ],
    )
    assert book.on_profile(10, [1, 2]) == {
        1: {"buyer": "interested", "sme": "interested"},
        2: {"sme": "interested"},
    }
    book.replace({1}, [MarkRow(1, 10, "sme", "declined")])
    assert book.on_need(1, [10, 11]) == {10: {"sme": "declined"}, 11: {}}
    assert book.on_profile(11, [1]) == {1: {}}
    assert book.on_profile(10, [1, 2]) == {1: {"sme": "declined"}, 2: {"sme": "interested"}}


def test_what_it_hands_out_is_a_copy() -> None:
    book = MarkBook()
    book.replace({1}, [MarkRow(1, 10, "buyer", "interested")])
    book.on_need(1, [10])[10]["buyer"] = "declined"
    assert book.on_need(1, [10]) == {10: {"buyer": "interested"}}
