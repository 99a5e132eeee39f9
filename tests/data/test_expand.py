"""The book's expanded training sets: each image, then shifted down, up, right and left (chapter
6); each image, then rotated by small angles (chapter 3)."""

import numpy as np
import pytest

from nielsen_net.data.expand import expand, rotated, with_rotations
from nielsen_net.data.mnist import Split


def test_each_image_is_followed_by_its_four_one_pixel_shifts():
    rng = np.random.default_rng(0)
    images = rng.random((3, 28, 28))
    out = expand(Split(images.reshape(3, 784), np.array([7, 1, 4])))
    assert out.X.shape == (15, 784)
    assert out.y.tolist() == [7] * 5 + [1] * 5 + [4] * 5
    versions = out.X.reshape(3, 5, 28, 28)
    for k, image in enumerate(images):
        original, down, up, right, left = versions[k]
        assert np.array_equal(original, image)
        assert np.array_equal(down[1:], image[:-1]) and not down[0].any()
        assert np.array_equal(up[:-1], image[1:]) and not up[-1].any()
        assert np.array_equal(right[:, 1:], image[:, :-1]) and not right[:, 0].any()
        assert np.array_equal(left[:, :-1], image[:, 1:]) and not left[:, -1].any()


def test_expansion_keeps_the_dtype_and_is_deterministic():
    X = np.random.default_rng(1).random((2, 784)).astype(np.float32)
    a, b = expand(Split(X, np.array([0, 1]))), expand(Split(X, np.array([0, 1])))
    assert a.X.dtype == np.float32 and np.array_equal(a.X, b.X)


def test_the_real_expanded_set_has_250000_images_with_the_pixels_of_the_originals(mnist):
    out = expand(mnist.train)
    assert out.X.shape == (250_000, 784) and np.bincount(out.y).sum() == 250_000
    assert np.array_equal(out.X[::5], mnist.train.X)
    # each shift keeps an image's ink but for the row or column it pushes out of the frame
    images = mnist.train.X.reshape(-1, 28, 28)
    ink = images.sum(axis=(1, 2))
    lost = [images[:, -1].sum(axis=1), images[:, 0].sum(axis=1),      # down, up
            images[:, :, -1].sum(axis=1), images[:, :, 0].sum(axis=1)]  # right, left
    for k, pushed_out in enumerate(lost, start=1):
        np.testing.assert_allclose(out.X[k::5].sum(axis=1), ink - pushed_out, atol=1e-9)


def test_a_quarter_turn_is_numpy_s_and_no_turn_changes_nothing():
    images = np.random.default_rng(2).random((2, 28, 28))
    np.testing.assert_allclose(rotated(images, 90), np.rot90(images, 1, axes=(1, 2)), atol=1e-12)
    np.testing.assert_allclose(rotated(images, -90), np.rot90(images, -1, axes=(1, 2)),
                               atol=1e-12)
    assert np.array_equal(rotated(images, 0), images)


def test_a_small_rotation_turns_a_bar_about_the_centre_and_keeps_its_ink():
    bar = np.zeros((1, 28, 28))
    bar[0, 4:24, 13:15] = 1.0                       # a vertical bar through the centre
    turned = rotated(bar, 15)[0]
    rows, cols = np.nonzero(turned > 0.5)
    slope = np.polyfit(rows, cols, 1)[0]            # columns per row along the bar
    assert slope == pytest.approx(np.tan(np.deg2rad(15)), abs=0.05)  # its top leans left
    assert turned.sum() == pytest.approx(bar.sum(), rel=0.02)


def test_each_image_is_followed_by_its_rotated_copies():
    images = np.random.default_rng(3).random((2, 28, 28)).astype(np.float32)
    out = with_rotations(Split(images.reshape(2, 784), np.array([3, 8])), (-15.0, 15.0))
    assert out.X.shape == (6, 784) and out.X.dtype == np.float32
    assert out.y.tolist() == [3, 3, 3, 8, 8, 8]
    versions = out.X.reshape(2, 3, 28, 28)
    assert np.array_equal(versions[:, 0], images)
    np.testing.assert_allclose(versions[:, 2], rotated(images, 15.0))
