"""The book's expanded training set (chapter 6, expand_mnist.py): every training image, then
the same image shifted by one pixel down, up, right and left, the pixels shifted in being 0.

`expand(split)` of 50,000 images gives 250,000 rows, in a fixed order: image k's five versions
are rows 5k to 5k + 4, in the order above. The book's script shuffles the set once, with
Python's global random state; we do not, because training shuffles every epoch with the run's
own seed. Left out: the small rotations of chapter 3 (another kind of expansion).
"""

import numpy as np

from .mnist import COLS, ROWS, Split

SHIFTS = (("down", 1, 0), ("up", -1, 0), ("right", 0, 1), ("left", 0, -1))  # (name, rows, cols)


def shifted(images, rows, cols):
    """`images` (m, 28, 28) moved by `rows` down and `cols` right, zeros shifted in."""
    out = np.zeros_like(images)
    H, W = images.shape[1:]
    out[:, max(rows, 0):H + min(rows, 0), max(cols, 0):W + min(cols, 0)] = \
        images[:, max(-rows, 0):H + min(-rows, 0), max(-cols, 0):W + min(-cols, 0)]
    return out


def expand(split):
    """The split's images and their four one-pixel shifts, interleaved: Split of 5m rows."""
    images = split.X.reshape(-1, ROWS, COLS)                      # (m, 28, 28)
    versions = [images] + [shifted(images, r, c) for _, r, c in SHIFTS]
    X = np.stack(versions, axis=1).reshape(-1, ROWS * COLS)       # (5m, 784)
    return Split(X, np.repeat(split.y, len(versions)))
