"""The speed benchmark (`make bench`): seconds per training epoch of this project's nets against
peers, with the targets the issues set, written as one JSON record.

- `plan`: what a run measures (the grid of nets, mini-batches and dtypes, the subsets timed);
- `peers`: the fully connected net's peers: the book's per-example algorithm, a hand-fused
  loop and PyTorch;
- `conv`: the chapter 6 conv nets, ours and PyTorch's, against the prototype's seconds;
- `workers`: each measurement in a spawned process with its own BLAS thread count;
- `summary`: medians, ratios, targets and the printed tables;
- `run`: the rounds of workers, and the record.

Left out: GPUs, and conclusions from a busy machine: quote a run made on idle cores.
"""
