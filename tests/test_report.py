"""scripts/report.py: formatting rules that a reader relies on."""

from helpers import load_script

report = load_script("report")


def test_an_interval_bound_shows_the_side_of_the_book_s_number_it_falls_on():
    assert report.bound(95.8123, 96.49) == "95.81"
    assert report.bound(96.48991, 96.49) == "96.4899"   # 96.49 would hide that it lies below
    assert report.bound(96.4912, 96.49) == "96.491"
