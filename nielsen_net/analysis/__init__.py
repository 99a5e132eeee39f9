"""Every number and finding the report states, from run records: plain functions, no files.

- `stats`: t, prediction and Wilson intervals, Welch, paired and sign-test comparisons, the
  Hanley-McNeil error of an AUC, `decide`;
- `measures`: the figures every study reads off a run, the ROC area, wall time, bench ratios;
- `verdicts`: the one rule against the book and what the book's section states;
- one module per study's findings: `activation_init`, `dead_relu`, `vanishing_gradients`,
  `fast98`, `ladder` (chapter 6).

Left out: reading records (nielsen_net.experiments) and any wording (nielsen_net.report).
"""
