"""The valid keys of the two anomaly use cases' TOML files (scripts/configs/anomaly.toml and
one_class.toml), for `experiments.usecases.load_config`: a key not listed here is an error.

Left out: the values' meaning (the TOML files' comments, and the modules that read them).
"""

from ..experiments.usecases import NETWORK, SGD

# `make anomaly`'s first part (`anomaly.py`): one autoencoder for every digit but one
ANOMALY = {"anomaly_digit": None, "seeds": None, "network": NETWORK, "training": SGD}

ONE_CLASS = {
    "data": {"validation_fraction": None, "split_seed": None, "dtype": None},
    "pca": {"explained": None, "components": None},
    "autoencoder": {
        "seeds": None,
        "training": SGD,
        "selection": {"digits": None, "seed": None, "max_epochs": None, "inits": None,
                      "grid": {"sizes": None, "activation": None, "cost": None, "eta": None}},
        "refine": {"eta_factors": None, "max_epochs": None, "tolerance": None, "window": None},
    },
    "hard_case": {"anomaly_digit": None, "seeds": None},
    "figures": {"digit": None, "bins": None, "examples": None},
    "published": [{"method": None, "citation": None, "statistic": None, "source_checked": None,
                   "auc_percent": None, "std_percent": None}],
}
