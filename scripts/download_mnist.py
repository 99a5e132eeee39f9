"""Put a verified copy of MNIST where `load_mnist` looks for it (this is `make data`).

With MNIST_DIR set, only verify that folder: it is someone else's copy (in CI, the shared
read-only one), so nothing is downloaded and a missing or bad file is an error. Otherwise fill
data/mnist under the project root, downloading whatever is missing from the public mirrors.
Every present file's decompressed bytes are checked against the size and sha256 in
`nielsen_net.download.FILES`; a bad file is reported, never overwritten.

Left out: choosing mirrors or files on the command line (they are in nielsen_net/download.py).
"""
import argparse
import sys

from nielsen_net.data.download import DownloadError, ensure_mnist
from nielsen_net.data.mnist import resolve_data_dir


def main():
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    directory, source = resolve_data_dir()
    verify_only = source == "MNIST_DIR"
    print(f"MNIST directory: {directory}"
          + (" (from MNIST_DIR: verify only)" if verify_only else ""))
    try:
        status = ensure_mnist(directory, download=not verify_only)
    except (OSError, ValueError, DownloadError) as e:  # FileNotFoundError is an OSError
        print(f"error: {e}", file=sys.stderr)
        return 1
    for name, what in status.items():
        print(f"  {name}: {what}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
