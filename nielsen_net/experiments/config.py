"""One run's settings: `RunConfig`, with defaults that are the book's chapter 3 network.

Unknown keys and bad values fail at once, naming the key or value and what is accepted.
Left out: training (`run.py`) and files (`records.py`).
"""

from dataclasses import asdict, dataclass, fields

from ..nn.checks import check_bool, check_positive, check_sgd, choose
from ..nn.convnet import ConvNet, check_layers
from ..nn.network import Network
from ..nn.reference import check_supported

TRAIN_IMAGES = 50_000  # MNIST's training split (the book's; load_mnist's default)
SPLITS = ("validation", "test")
TRAINERS = ("network", "book_per_example")
# what a chapter 6 net (layers set) takes from elsewhere: these stay at their defaults
NOT_LAYERED = ("sizes", "output_activation", "init", "leaky_slope", "mu", "no_improvement_in",
               "halve_eta", "trainer")


@dataclass(frozen=True)
class RunConfig:
    """Every setting of one run. Unknown keys and bad values raise ValueError at once."""

    sizes: tuple = (784, 30, 10)        # layer sizes, input first
    activation: str = "sigmoid"         # hidden layers
    output_activation: str | None = None  # None: the cost's partner (sigmoid / softmax)
    cost: str = "cross_entropy"
    init: str = "scaled_gaussian"
    leaky_slope: float = 0.01           # used by leaky_relu only
    epochs: int = 30
    mini_batch_size: int = 10           # the book's choice throughout
    eta: float = 0.5
    lmbda: float = 0.0                  # L2, the book's convention (divided by n)
    mu: float = 0.0                     # momentum coefficient; 0 is plain SGD
    no_improvement_in: int = 0          # stop after n epochs without a better evaluation
                                        # accuracy (0: never) ...
    halve_eta: bool = False             # ... or rather halve eta then, down to 1/128 of it
    train_size: int = 50_000            # train on the first train_size of the 50,000 images
    evaluate: str = "validation"        # the split scored after every epoch
    test_each_epoch: bool = False       # also score test after every epoch, to report the test
                                        # accuracy at the best validation epoch (book ch. 6)
    seed: int = 0                       # fixes initial weights and shuffling
    dtype: str = "float64"
    trainer: str = "network"            # or "book_per_example": the book's per-example loop
                                        # (reference.py), to check ours against
    score_test: bool = True             # False for tuning runs: they never see the test set
    layers: tuple = ()                  # a chapter 6 net (nn.convnet) instead of `sizes`, e.g.
                                        # ("conv20", "fc100"), then softmax + log-likelihood
    dropout: float = 0.0                # chapter 6 nets: dropout on fc and softmax inputs
    expanded: bool = False              # train on each image and its four one-pixel shifts
    rotations: tuple = ()               # and on copies rotated by these angles (degrees)

    def __post_init__(self):
        object.__setattr__(self, "sizes", tuple(self.sizes))
        object.__setattr__(self, "layers", tuple(check_layers(self.layers)) if self.layers else ())
        if self.layers:
            self._check_layered()
        elif self.dropout:
            raise ValueError("dropout needs a chapter 6 net: set layers, e.g. ['conv20', 'fc100']")
        check_bool("expanded", self.expanded)
        object.__setattr__(self, "rotations", check_angles(self.rotations))
        if self.sizes[0] != 784 or self.sizes[-1] != 10:
            raise ValueError(f"sizes must start with 784 and end with 10 for MNIST; "
                             f"got {list(self.sizes)}")
        self.network()  # checks sizes, names, slope, seed and dtype the way Network does
        check_sgd(self.epochs, self.mini_batch_size, self.eta, self.lmbda, self.mu,
                  self.no_improvement_in, self.halve_eta)
        check_positive("train_size", self.train_size, integer=True)
        check_bool("test_each_epoch", self.test_each_epoch)
        if self.train_size > TRAIN_IMAGES:
            raise ValueError(f"train_size must be at most {TRAIN_IMAGES:,} (the training split); "
                             f"got {self.train_size:,}")
        choose("evaluate split", self.evaluate, dict.fromkeys(SPLITS))
        choose("trainer", self.trainer, dict.fromkeys(TRAINERS))
        if self.trainer == "book_per_example":
            check_supported(self.activation, self.output_activation, self.cost)
            if self.mu or self.no_improvement_in:
                raise ValueError("the book's per-example trainer has no momentum and no "
                                 "stopping rule; set mu = 0 and no_improvement_in = 0")
        if not self.score_test and (self.evaluate == "test" or self.test_each_epoch):
            raise ValueError("score_test = false forbids evaluate = 'test' and "
                             "test_each_epoch = true")

    def _check_layered(self):
        """A chapter 6 net has its own architecture, init and output: refuse settings that would
        be silently ignored."""
        for f in fields(self):
            if f.name in NOT_LAYERED and getattr(self, f.name) != f.default:
                raise ValueError(f"{f.name} does not apply to a chapter 6 net (layers is set); "
                                 f"leave it out")
        if self.cost != "log_likelihood":
            raise ValueError(f"a chapter 6 net ends in softmax with the log-likelihood cost: set "
                             f"cost = 'log_likelihood'; got {self.cost!r}")

    @classmethod
    def from_dict(cls, data):
        valid = [f.name for f in fields(cls)]
        unknown = sorted(set(data) - set(valid))
        if unknown:
            raise ValueError(f"unknown config keys {unknown}; valid: {', '.join(valid)}")
        return cls(**data)

    def to_dict(self):
        return asdict(self) | {"sizes": list(self.sizes), "layers": list(self.layers),
                               "rotations": list(self.rotations)}

    def network(self):
        """A new, untrained Network (or ConvNet) with this config's architecture and seed."""
        if self.layers:
            return ConvNet(list(self.layers), activation=self.activation, dropout=self.dropout,
                           seed=self.seed, dtype=self.dtype)
        return Network(self.sizes, activation=self.activation,
                       output_activation=self.output_activation, cost=self.cost,
                       init=self.init, leaky_slope=self.leaky_slope, seed=self.seed,
                       dtype=self.dtype)


def check_angles(angles):
    """`angles` as a tuple of floats: a list of degrees, each non-zero and under 90 in size."""
    if not isinstance(angles, (list, tuple)) or not all(
            isinstance(a, (int, float)) and not isinstance(a, bool) and 0 < abs(a) < 90
            for a in angles):
        raise ValueError(f"rotations must be a list of angles in degrees, each non-zero and "
                         f"between -90 and 90; got {angles!r}")
    return tuple(float(a) for a in angles)
