"""One short training run on real MNIST: the loader's arrays are what the network learns from.

Skipped (with the reason) when the real data is absent.
"""
from nielsen_net import Network


def test_one_epoch_on_10000_images_reaches_85_percent(mnist):
    X, y = mnist.train
    Xv, yv = mnist.validation
    net = Network([784, 30, 10], activation="sigmoid", cost="cross_entropy",
                  init="scaled_gaussian", seed=0)
    history = net.SGD((X[:10000], y[:10000]), epochs=1, mini_batch_size=10, eta=0.5,
                      evaluation_data=(Xv, yv))
    assert history.epochs == 1 and not history.diverged
    assert history.evaluation_accuracy[-1] == net.accuracy(Xv, yv) >= 0.85
