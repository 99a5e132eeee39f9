"""The report's shared Markdown pieces: tables, "mean ± std", the figure registry's entries
and their image lines, and what the sweep logs say about the machine.

A study's module (`activation_init`, `book`, ...) lists its figures as {file: Figure}; the report
links a figure only where `scripts/plots.py` has drawn it.

Left out: any finding (nielsen_net.analysis computes them) and drawing (`drawing`).
"""

from dataclasses import dataclass
from pathlib import Path

from ..experiments.records import read_if_present


def table(header, rows):
    """A Markdown table of `header` and `rows` (each cell written with str)."""
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    return "\n".join(lines + ["| " + " | ".join(map(str, row)) + " |" for row in rows]) + "\n"


def pm(s, digits=2):
    """'mean +/- std' of a spread, 'value (1 seed)' for one value (it has no spread to show),
    or 'n/a'."""
    if s["n"] == 0:
        return "n/a"
    if s["n"] == 1:
        return f"{s['mean']:.{digits}f} (1 seed)"
    return f"{s['mean']:.{digits}f} ± {s['std']:.{digits}f}"


NOT_RUN = "Not run yet.\n"


def seed_words(counts):
    """'3 seeds' (or '3-5 seeds') for a collection of seed counts."""
    low, high = min(counts), max(counts)
    return f"{low} seed{'s' * (high > 1)}" if low == high else f"{low}-{high} seeds"


def use_case(results, name, title):
    """(heading, record) of a use case; the record is None if it has not run."""
    return f"## {title} (`make {name}`)\n\n", read_if_present(results / name / f"{name}.json")


def manifest(results, sweep):
    """The log of `sweep`'s invocations (<results>/<sweep>/sweep.json), or None."""
    return read_if_present(results / sweep / "sweep.json")


def machines(results, sweeps):
    """The machines the logs of `sweeps` name, e.g. 'x86_64, 2 cores, Linux'."""
    logs = [manifest(results, sweep) or {"invocations": []} for sweep in sweeps]
    return sorted({i["environment"]["machine"] for log in logs for i in log["invocations"]})


def jobs_words(results, sweep):
    """How the runs of `sweep` shared the machine, from its log: '2 runs at a time on ...'."""
    log = manifest(results, sweep) or {"invocations": []}
    jobs = sorted({i["jobs"] for i in log["invocations"]})
    return (f"{' or '.join(map(str, jobs))} runs at a time on "
            f"{'; '.join(machines(results, [sweep]))}"
            if jobs else "how the runs shared the machine is not logged")


@dataclass(frozen=True)
class Figure:
    draw: object   # Data -> matplotlib figure
    alt: str       # the alt text the report gives it
    learn: str     # what a reader learns from it, for the report's list of figures
    record: str = ""  # a use case's record file it draws, if not <use case>.json


def drawn(results, name, figures):
    """{file: Figure} of `figures` ({file: Figure} of sweep or use case `name`) drawn into
    `results` (a figure whose records lack what it needs is skipped, so the report links only
    what is there)."""
    return {file: figure for file, figure in figures.items()
            if (Path(results) / name / file).exists()}


def image_lines(results, name, figures, record=""):
    """The Markdown image lines of every drawn figure of `figures` (of a use case: those drawn
    from `record`, "" for <name>.json), for the report."""
    return "".join(f"![{figure.alt}]({name}/{file})\n"
                   for file, figure in drawn(results, name, figures).items()
                   if figure.record == record)


def figure_list(results, registry):
    """Every figure of `registry` ({folder: {file: Figure}}) and what a reader learns from it,
    as a Markdown list: a link where it is drawn, a note where its records do not give it yet."""
    def line(name, file, figure):
        there = (Path(results) / name / file).exists()
        link = f"[{name}/{file}]({name}/{file})" if there else \
            f"{name}/{file} (not drawn: these records lack what it needs; `make plots` says what)"
        return f"- {link}: {figure.learn}\n"
    return "".join(line(name, file, figure) for name, figures in registry.items()
                   for file, figure in figures.items())
