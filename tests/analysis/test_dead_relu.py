"""What dead ReLU units cost (nielsen_net.analysis.dead_relu), compared like with like."""

import numpy as np
import pytest

from nielsen_net.analysis import dead_relu


def relu_run(eta, depth, dead, accuracy, activation="relu", diverged=False):
    return {"config": {"activation": activation, "eta": eta, "sizes": [784] + [100] * depth + [10]},
            "history": {"diverged": diverged}, "test_accuracy": accuracy / 100,
            "diagnostics": {"dead_fraction": [[0.0] * depth, [dead / 100] * depth]}}


def test_dead_unit_cost_compares_within_learning_rate_and_depth():
    # Pooled, dead units go with HIGHER accuracy (the large eta kills units and learns more);
    # within each eta, every 10 points of dead units cost 1 point of accuracy.
    rng = np.random.default_rng(0)
    runs = [relu_run(eta, 1, dead, base - dead / 10 + rng.normal(0, 0.01))
            for eta, base, deads in ((0.01, 90, (0, 2, 4)), (1.0, 98, (40, 45, 50)))
            for dead in deads]
    runs += [relu_run(1.0, 1, 99, 10, diverged=True), relu_run(1.0, 1, 0, 50, "leaky_relu")]
    pooled = np.polyfit([100 * r["diagnostics"]["dead_fraction"][-1][0] for r in runs[:6]],
                        [100 * r["test_accuracy"] for r in runs[:6]], 1)[0]
    assert pooled > 0
    result = dead_relu.dead_unit_cost(runs)
    assert result["slope"] == pytest.approx(-1.0, abs=0.05)
    assert result["word"] == "lower" and (result["runs"], result["cells"]) == (6, 2)
    assert dead_relu.dead_unit_cost(runs[:3]) is not None       # 3 runs, 1 cell: a fit
    assert dead_relu.dead_unit_cost(runs[:2]) is None           # 2 runs, 1 cell: none yet
    assert dead_relu.dead_unit_cost(runs[6:]) is None           # diverged and leaky only
