"""The figures and results/README.md, from the records: per study, its figures, their captions
and its report section; formatting only, every finding comes from nielsen_net.analysis.

- `studies`: which sweeps have a study (SWEEP_STUDIES) and the use cases; drawing their figures;
- `document`: the report as one string, section by section;
- one module per sweep's study (`activation_init`, `book` with `book_figures`, `dead_relu`,
  `vanishing_gradients`, `fast98`) and per use case (`regression`, `anomaly` with `one_class`,
  `inspect`), and the benchmark's and the darkness baseline's sections (`bench`, `darkness`);
- `drawing`: the figures' one style and shared pieces; `markdown`: tables and image lines.

Left out: computing any finding (nielsen_net.analysis) and writing files (scripts/plots.py,
scripts/report.py).
"""
