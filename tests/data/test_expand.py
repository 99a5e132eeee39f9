"""The book's expanded training set: each image, then shifted down, up, right and left."""

import numpy as np
from nielsen_net.data.expand import expand
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
