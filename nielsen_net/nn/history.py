"""The record `Network.SGD` returns (per-epoch costs, accuracies and timing), and the book's
"no improvement in n epochs" rule that can end training.

Left out: anything about how it is stored or drawn; `to_dict` gives plain JSON-ready data and the
scripts do the rest.
"""

from dataclasses import asdict, dataclass, field, fields


@dataclass
class History:
    """One list entry per finished epoch.

    Costs include the L2 term, as the book's monitors do; accuracies are fractions in [0, 1].
    `seconds` is the training time of each epoch, without the monitoring passes. The evaluation
    lists stay empty without evaluation data, the training ones with `monitor_training=False`.
    `eta` is the learning rate of each epoch (it changes under the book's schedule).
    `diverged` is set when an epoch breaks the network's divergence rule (a cost that is not
    finite, or a parameter beyond `network.DIVERGENCE_BOUND`); `diverged_epoch` (1-based) says
    when, training stops there, and that epoch's costs and accuracies are NaN: the numbers of a
    blown-up network are not measurements. `stop_reason` says why training ended early when a
    stopping rule ended it.
    """

    training_cost: list = field(default_factory=list)
    training_accuracy: list = field(default_factory=list)
    evaluation_cost: list = field(default_factory=list)
    evaluation_accuracy: list = field(default_factory=list)
    seconds: list = field(default_factory=list)
    eta: list = field(default_factory=list)
    diverged: bool = False
    diverged_epoch: int | None = None
    stop_reason: str | None = None

    @property
    def epochs(self):
        """The number of epochs trained."""
        return len(self.seconds)

    def mark_diverged(self, epoch):
        """Record divergence in `epoch` (the last one): its metrics become NaN."""
        self.diverged, self.diverged_epoch = True, epoch
        for metric in (self.training_cost, self.training_accuracy, self.evaluation_cost,
                       self.evaluation_accuracy):
            if metric:
                metric[-1] = float("nan")

    def to_dict(self):
        return asdict(self)

    @classmethod
    def from_dict(cls, data):
        unknown = set(data) - {f.name for f in fields(cls)}
        if unknown:
            raise ValueError(f"unknown History fields {sorted(unknown)}; "
                             f"valid: {[f.name for f in fields(cls)]}")
        return cls(**data)


class NoImprovement:
    """The book's rule (chapter 3): fires when the best accuracy is n or more epochs old.

    After firing it starts counting again, so a schedule can act on it more than once.
    """

    def __init__(self, n):
        self.n, self.best, self.since_best = n, -1.0, 0

    def fires(self, accuracy):
        """Record one epoch's accuracy; True if there was no improvement in the last n."""
        if accuracy > self.best:
            self.best, self.since_best = accuracy, 0
        else:
            self.since_best += 1
        if self.since_best >= self.n:
            self.since_best = 0
            return True
        return False
