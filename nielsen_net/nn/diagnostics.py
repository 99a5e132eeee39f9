"""What the hidden layers are doing: dead units and how fast each layer learns.

Both measures run on a fixed probe set (the scripts use the first 1,000 training images):
- `dead_fraction`: for each hidden layer, the share of units whose activation derivative is
  exactly zero on every probe image. For ReLU that means z <= 0 on all of them: the unit passes
  no gradient and can never recover. Leaky ReLU, identity and tanh units are never dead;
  a sigmoid unit counts only if it saturates to the last bit of floating point (a (1 - a) = 0).
- `confusion`: the confusion matrix of a network's predictions on a labelled set (rows: true
  digit, columns: predicted), from which the report tells a run that never learned some digit.
- `confident_mistakes`: the rows a network gets wrong with the largest output for its wrong
  answer, to look at what it cannot read.
- `bias_gradient_norms`: for each hidden layer, ||dC/db|| over the probe set, the book's measure
  of each layer's speed of learning (chapter 5), mean gradient over the probe images, no L2 term.

Left out: anything that changes the network; both only read it.
"""

import numpy as np


def dead_fraction(net, X):
    """[fraction of dead units of each hidden layer]; X is (m, sizes[0])."""
    zs, activations = net.forward(X)
    return [float(np.mean(np.all(net.activation.prime(z, a) == 0, axis=0)))
            for z, a in zip(zs[:-1], activations[1:-1])]


def bias_gradient_norms(net, X, y):
    """[||nabla_b|| of each hidden layer], first hidden layer first."""
    nabla_b, _ = net.backprop(X, y)
    return [float(np.linalg.norm(g)) for g in nabla_b[:-1]]


def confusion(y, predicted, k=10):
    """counts[i][j]: how many rows of true class i were predicted as j, of `k` classes (a list
    of lists); `predicted` is a network's `predict` of the rows."""
    counts = np.bincount(np.asarray(y) * k + np.asarray(predicted), minlength=k * k)
    return counts.reshape(k, k).tolist()


def confident_mistakes(net, X, y, k):
    """The indices of the `k` rows of X that the network misclassifies with the largest output
    for its (wrong) prediction, most confident first; with the predictions and those outputs
    as arrays (k,) each."""
    outputs = net.feedforward(X)                     # (m, 10)
    predicted = outputs.argmax(axis=1)               # (m,)
    confidence = outputs.max(axis=1)                 # (m,)
    wrong = np.flatnonzero(predicted != np.asarray(y))
    rows = wrong[np.argsort(-confidence[wrong], kind="stable")[:k]]
    return rows, predicted[rows], confidence[rows]
