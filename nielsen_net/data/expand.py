"""The book's expanded training sets: one-pixel shifts (chapter 6) and small rotations
(chapter 3).

`expand(split)` is chapter 6's expand_mnist.py: every training image, then the same image
shifted by one pixel down, up, right and left, the pixels shifted in being 0. Of 50,000 images
it gives 250,000 rows, in a fixed order: image k's five versions are rows 5k to 5k + 4, in the
order above. The book's script shuffles the set once, with Python's global random state; we do
not, because training shuffles every epoch with the run's own seed.

`with_rotations(split, angles)` is chapter 3's suggestion: every image, then a copy rotated by
each angle (degrees, anticlockwise) about the image's centre, bilinear, zeros where the rotated
image has no source pixel; image k's versions are again consecutive rows.
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


def rotated(images, degrees):
    """`images` (m, 28, 28) rotated anticlockwise by `degrees` about their centre: each output
    pixel reads the input at the point that rotates onto it, interpolated bilinearly from its
    four neighbours (a neighbour outside the image counts as 0)."""
    H, W = images.shape[1:]
    theta = np.deg2rad(degrees)
    r, c = np.mgrid[0:H, 0:W].astype(float)
    cr, cc = (H - 1) / 2, (W - 1) / 2
    # the inverse rotation of each output pixel (rows grow downwards, so the signs of a
    # y-up rotation flip in the row terms)
    src_r = cr + (r - cr) * np.cos(theta) + (c - cc) * np.sin(theta)
    src_c = cc - (r - cr) * np.sin(theta) + (c - cc) * np.cos(theta)
    r0, c0 = np.floor(src_r).astype(int), np.floor(src_c).astype(int)
    out = np.zeros_like(images)
    for dr in (0, 1):
        for dc in (0, 1):
            rr, cc_ = r0 + dr, c0 + dc
            weight = (1 - abs(src_r - rr)) * (1 - abs(src_c - cc_))
            inside = (rr >= 0) & (rr < H) & (cc_ >= 0) & (cc_ < W)
            out += np.where(inside, weight, 0.0).astype(images.dtype) * \
                images[:, np.clip(rr, 0, H - 1), np.clip(cc_, 0, W - 1)]
    return out


def with_rotations(split, angles):
    """The split's images and their copies rotated by each of `angles` (degrees),
    interleaved: Split of m (1 + len(angles)) rows."""
    images = split.X.reshape(-1, ROWS, COLS)
    versions = [images] + [rotated(images, a) for a in angles]
    X = np.stack(versions, axis=1).reshape(-1, ROWS * COLS)
    return Split(X, np.repeat(split.y, len(versions)))
