"""nielsen_net: the network of Nielsen's *Neural Networks and Deep Learning*, from scratch in numpy.

`Network` trains fully connected nets of any depth by matrix-based mini-batch SGD, `ConvNet`
chapter 6's convolutional nets the same way; `load_mnist` reads (and if needed downloads) MNIST
with the book's split.
"""

from .data.mnist import MNIST, Split, load_mnist
from .nn.convnet import ConvNet
from .nn.history import History
from .nn.network import Network

__all__ = ["ConvNet", "History", "MNIST", "Network", "Split", "load_mnist"]
__version__ = "0.1.0"
