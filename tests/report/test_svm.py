"""The SVM baseline's report paragraph, from a made-up record."""

from nielsen_net.experiments.records import write_record
from nielsen_net.report.svm import section


def fit(gamma, correct):
    return {"gamma": gamma, "correct": correct, "total": 10_000, "accuracy": correct / 10_000}


def test_the_paragraph_gives_both_gammas_and_the_gap_to_the_book_in_images(tmp_path):
    assert section(tmp_path) == ""  # not run: no paragraph
    record = {"config": {"training_images": 50_000}, "book_percent": 94.35, "book_images": 9435,
              "scikit_learn": "1.9.1", "fits": [fit("auto", 9435), fit("scale", 9792)]}
    write_record(tmp_path / "baseline_svm.json", record)
    text = section(tmp_path)
    assert "9,435 of 10,000 test images, 94.35% (the book: 94.35%, the same count)" in text
    assert "today's default (`gamma=\"scale\"`) 97.92%" in text
    record["fits"][0] = fit("auto", 9441)
    write_record(tmp_path / "baseline_svm.json", record)
    assert "94.41% (the book: 94.35%, +6 images)" in section(tmp_path)
