"""The more-data section and figure, from a made-up record."""

from nielsen_net.experiments.records import write_record
from nielsen_net.report import more_data

CONFIG = {"sizes": [100, 1000], "seeds": [0, 1, 2], "examples": 1_500_000,
          "network": {"sizes": [784, 30, 10]}, "eta": 0.5, "lmbda_per_image": 0.0001,
          "mini_batch_size": 10, "svm": "SVC(gamma='auto')", "scored": "validation"}


def record(svm_at_1000):
    nets = [{"size": n, "seed": s, "epochs": 1_500_000 // n, "validation_accuracy": a + 0.01 * s}
            for n, a in ((100, 0.60), (1000, 0.85)) for s in range(3)]
    return {"config": CONFIG, "nets": nets, "scikit_learn": "1.9.1",
            "svm": [{"size": 100, "validation_accuracy": 0.30},
                    {"size": 1000, "validation_accuracy": svm_at_1000}]}


def test_the_section_compares_each_size_and_says_where_the_books_claim_fails(tmp_path):
    assert "Not run yet" in more_data.section(tmp_path)
    write_record(tmp_path / "more_data" / "more_data.json", record(0.80))
    text = more_data.section(tmp_path)
    assert "| 100 | 15,000 | 61.00 ± 1.00 (3) | 30.00 | +31.00 [" in text
    assert "Ours is higher than the SVM at 2 of the 2 sizes compared: the claim holds" in text
    write_record(tmp_path / "more_data" / "more_data.json", record(0.95))
    assert "higher than the SVM at 1 of the 2 sizes compared; not at 1,000." in \
        more_data.section(tmp_path)


def test_the_figure_draws_every_size_and_the_svm():
    fig = more_data.accuracy_by_size(record(0.80))
    ax = fig.axes[0]
    assert ax.get_xscale() == "log"
    svm, = [line for line in ax.get_lines() if line.get_label().startswith("SVM")]
    assert list(svm.get_xdata()) == [100, 1000] and list(svm.get_ydata()) == [30.0, 80.0]
    seeds = [line for line in ax.get_lines() if line.get_gid() == "seed"]
    assert sum(len(line.get_ydata()) for line in seeds) == 6
