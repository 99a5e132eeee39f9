"""What a bench run measures: the fully connected grid, the subsets that slow trainers are timed
on (and scaled to a full epoch), and the rounds and thread counts of one run.

Every fully connected trainer runs the same net (sigmoid hidden layer, sigmoid output,
cross-entropy cost, plain SGD, eta 0.5) on the first 50,000 MNIST training images (random data
of that shape when MNIST is absent). Left out: the conv nets, which `conv` names.
"""

from dataclasses import dataclass

SIZES = ([784, 30, 10], [784, 100, 10])
MINI_BATCHES = (10, 100, 1000)
DTYPES = ("float64", "float32")
ETA = 0.5
N_TRAIN = 50_000
REFERENCE_EXAMPLES = 5_000      # the per-example loops take seconds an epoch: time a tenth
TORCH_EXAMPLES_AT_10 = 10_000   # likewise PyTorch at mini-batch 10
CONV_EXAMPLES = 5_000           # and the conv nets, ours and PyTorch's
WARMUP_EXAMPLES = 1_000         # an untimed run before each timing: BLAS buffers, caches
MATMUL_N = 2048                 # square matrices large enough to run at the BLAS peak
HEADLINE = "784-30-10"
MONITORED_SIZES = [784, 100, 10]  # the net whose monitoring cost has a target


@dataclass(frozen=True)
class Plan:
    """What every worker of one run measures."""
    sizes: list                # the fully connected nets, e.g. [[784, 30, 10]]
    repeats: int               # rounds
    threads: list              # BLAS thread counts, each tried every round
    reference_examples: int    # rows the per-example references are timed on
    torch_examples_at_10: int  # rows PyTorch is timed on at mini-batch 10
    conv_examples: int         # rows the conv nets are timed on (one BLAS thread)


def full_plan(repeats, threads):
    """Every net of the grid, timed on the subsets above."""
    return Plan([list(s) for s in SIZES], repeats, threads, REFERENCE_EXAMPLES,
                TORCH_EXAMPLES_AT_10, CONV_EXAMPLES)


def quick_plan(repeats, threads):
    """The headline net only, on smaller subsets: a check that everything runs."""
    return Plan([list(SIZES[0])], repeats, threads, 2_000, 5_000, 1_000)


def key(sizes, mbs, dtype):
    """A fully connected configuration's name in the record: "784-30-10/10/float64"."""
    return f"{'-'.join(map(str, sizes))}/{mbs}/{dtype}"


def flops_per_epoch(sizes, n=N_TRAIN):
    """Multiply-adds (x2) of an epoch's matrix products: forward, BP4 for every layer and BP2
    for every layer but the first. Elementwise work is left out: it is what the floor is not."""
    products = [n_in * n_out for n_in, n_out in zip(sizes[:-1], sizes[1:])]
    return 2 * n * (2 * sum(products) + sum(products[1:]))
