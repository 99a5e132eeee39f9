"""The one-class MNIST protocol: learn one digit, score every test image, AUC per digit.

For each digit d (scripts/configs/one_class.toml): an autoencoder chosen on held-out normal
images, PCA reconstruction error and the distance to the mean image score the 10,000 test
images; then the hard case "every digit but 9" (nielsen_net/one_class/study.py says how).
Writes results/anomaly/one_class.json (no figures: plots.py draws them from the record).

    python scripts/one_class.py [--jobs N] [--results DIR] [--config TOML] [--force]
"""

from nielsen_net.data.cli import load_or_exit
from nielsen_net.experiments.records import write_record
from nielsen_net.experiments.usecases import command_line, start
from nielsen_net.one_class.config import ONE_CLASS
from nielsen_net.one_class.study import one_class_record


def main():
    parser = command_line("one_class", __doc__)
    parser.add_argument("--jobs", type=int, default=1, help="processes for training (>= 1)")
    args = parser.parse_args()
    if args.jobs < 1:
        parser.error(f"--jobs must be >= 1; got {args.jobs}")
    config, path, done, env = start(args, ONE_CLASS, "anomaly/one_class.json")
    mnist = load_or_exit(dtype=config["data"]["dtype"])
    record = one_class_record(config, mnist, args.jobs, done)
    write_record(path, record | {"environment": env})
    print("mean AUC over the 10 digits: "
          + ", ".join(f"{m} {v:.4f}" for m, v in record["mean_auc"].items()) + f"; wrote {path}")


if __name__ == "__main__":
    main()
