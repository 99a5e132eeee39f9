"""Chapter 3's more-data comparison: our nets at each size against the SVM's one number."""

import pytest

from nielsen_net.analysis import more_data


def record(nets, svm):
    """nets: {size: [validation accuracy per seed]}; svm: {size: accuracy}."""
    return {"nets": [{"size": n, "seed": s, "epochs": 1000 // n, "validation_accuracy": a}
                     for n, accuracies in nets.items() for s, a in enumerate(accuracies)],
            "svm": [{"size": n, "validation_accuracy": a} for n, a in svm.items()]}


def test_each_size_is_compared_with_the_svm_as_a_constant():
    rows = more_data.by_size(record({200: [0.70, 0.72, 0.71], 100: [0.60, 0.62, 0.61]},
                                    {100: 0.50, 200: 0.71}))
    assert [r["size"] for r in rows] == [100, 200]
    low, high = rows
    assert low["nets"] == pytest.approx([60.0, 62.0, 61.0]) and low["svm"] == pytest.approx(50.0)
    assert low["comparison"]["difference"] == pytest.approx(11.0)
    assert low["comparison"]["word"] == "higher"
    assert high["comparison"]["word"] == "not distinguishable"  # 71 is our mean
    assert more_data.ahead_of_svm(rows) == ([100], [100, 200])


def test_a_size_without_an_svm_fit_or_with_one_seed_is_not_compared():
    rows = more_data.by_size(record({100: [0.6, 0.62], 200: [0.7]}, {200: 0.5}))
    assert [r["comparison"] for r in rows] == [None, None]
    assert rows[0]["svm"] is None
    assert more_data.ahead_of_svm(rows) == ([], [])
