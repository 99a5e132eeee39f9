"""Anomaly detection with the same Network: an autoencoder that has never seen a 9.

Trains the autoencoders of scripts/configs/anomaly.toml on every digit but one and scores the
test images by reconstruction error, against the distance to the mean image
(nielsen_net/one_class/anomaly.py says how). Writes results/anomaly/anomaly.json, from which
`make plots` draws roc.png and reconstructions.png.

    python scripts/anomaly.py [--results DIR] [--config TOML] [--force]
"""

import numpy as np

from nielsen_net.data.cli import load_or_exit
from nielsen_net.experiments.records import write_record
from nielsen_net.experiments.usecases import command_line, start
from nielsen_net.one_class.anomaly import anomaly_record
from nielsen_net.one_class.config import ANOMALY


def main():
    config, path, _, env = start(command_line("anomaly", __doc__).parse_args(), ANOMALY,
                                 "anomaly/anomaly.json")
    record = anomaly_record(config, load_or_exit(), progress=True)
    write_record(path, record | {"environment": env})
    aucs, digit = record["autoencoder_auc_per_seed"], config["anomaly_digit"]
    print(f"AUC, {digit}s vs the rest: autoencoder {np.mean(aucs):.3f} ± "
          f"{np.std(aucs, ddof=1):.3f} over {len(aucs)} seeds; distance to the mean image "
          f"{record['baseline_auc']:.3f}; wrote {path}")


if __name__ == "__main__":
    main()
