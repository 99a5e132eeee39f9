"""The chapter 6 conv nets of the bench, trained by ours (`ConvNet.SGD`) and by PyTorch.

The three nets of issue 24's speed targets, each with the settings of its row in the conv sweep
(lmbda 0), mini-batch 10, float32, one BLAS thread; `target` is the seconds per 50,000-image
epoch a numpy prototype measured. PyTorch's net is ours, layer for layer and from our initial
weights: Conv2d (valid 5x5) + MaxPool2d(2) + the activation, Dropout before every Linear,
LogSoftmax + NLLLoss (the mean, as ours), plain torch.optim.SGD. Where it differs, the work does
not: the conv bias is added before pooling (one number per filter, so the maximum is the same),
and its dropout rescales the kept inputs by 1 / (1 - p) where network3's does not.

Left out: timing rounds and processes (`workers`), and the arithmetic on the times (`summary`).
"""

import time

from ..nn.convnet import ConvNet
from ..nn.layers import ConvPool, SoftmaxOutput

MINI_BATCH = 10
DTYPE = "float32"
WARMUP = 100  # images trained untimed first: BLAS buffers, caches
CONV_NETS = {  # name: the net, its eta, and the prototype's seconds per epoch
    "conv20-fc100": dict(layers=["conv20", "fc100"], activation="sigmoid", dropout=0.0,
                         eta=0.1, target=8.8),
    "conv20-conv40-fc100": dict(layers=["conv20", "conv40", "fc100"], activation="sigmoid",
                                dropout=0.0, eta=0.1, target=16.0),
    "conv20-conv40-fc1000-fc1000": dict(layers=["conv20", "conv40", "fc1000", "fc1000"],
                                        activation="relu", dropout=0.5, eta=0.03, target=38.0),
}
TORCH_ACTIVATIONS = {"sigmoid": "Sigmoid", "relu": "ReLU"}  # ours -> torch.nn's module


def conv_net(spec, dtype=DTYPE, seed=0):
    """The ConvNet of a CONV_NETS entry."""
    return ConvNet(spec["layers"], activation=spec["activation"], dropout=spec["dropout"],
                   seed=seed, dtype=dtype)


def ours_seconds(spec, X, y, examples):
    """Seconds of ConvNet.SGD's training loop over the first `examples` rows of (X, y) (one
    epoch, no evaluation), after an untimed warm-up."""
    conv_net(spec, seed=1).SGD((X[:WARMUP], y[:WARMUP]), 1, MINI_BATCH, spec["eta"])
    history = conv_net(spec).SGD((X[:examples], y[:examples]), 1, MINI_BATCH, spec["eta"])
    return history.seconds[0]


def torch_parameters(net):
    """[(w, b)] of `net`'s layers in PyTorch's layouts: filters (F, C, 5, 5) rather than
    (F, 5, 5, C), and a fully connected layer above a convolution taking its inputs
    channel-first, as nn.Flatten gives them, rather than channels last."""
    out, above_conv = [], None
    for layer in net.layers:
        w = layer.w
        if isinstance(layer, ConvPool):
            w = w.transpose(0, 3, 1, 2)
        elif above_conv is not None:
            w = w.reshape(len(w), *above_conv).transpose(0, 3, 1, 2).reshape(len(w), -1)
        above_conv = layer.out_shape if isinstance(layer, ConvPool) else None
        out.append((w, layer.b))
    return out


def torch_conv_model(torch, net):
    """nn.Sequential computing what `net` computes, starting from its parameters."""
    nn, dtype = torch.nn, getattr(torch, net.dtype.name)
    activation = getattr(nn, TORCH_ACTIVATIONS[net.config["activation"]])
    dropout, modules, flat = net.config["dropout"], [], False
    for layer, (w, b) in zip(net.layers, torch_parameters(net)):
        if isinstance(layer, ConvPool):
            module = nn.Conv2d(w.shape[1], w.shape[0], w.shape[2], dtype=dtype)
            tail = [nn.MaxPool2d(layer.pool), activation()]
        else:
            if not flat:
                modules.append(nn.Flatten())
                flat = True
            if dropout:
                modules.append(nn.Dropout(dropout))
            module = nn.Linear(w.shape[1], w.shape[0], dtype=dtype)
            tail = [nn.LogSoftmax(dim=1) if isinstance(layer, SoftmaxOutput) else activation()]
        with torch.no_grad():
            module.weight.copy_(torch.from_numpy(w.copy()))
            module.bias.copy_(torch.from_numpy(b))
        modules += [module, *tail]
    return nn.Sequential(*modules)


def torch_conv_steps(torch, net, X, y, order, examples, eta):
    """Train PyTorch's copy of `net` on the `examples` first rows of `order` in mini-batches
    of MINI_BATCH; return the seconds and the model."""
    model = torch_conv_model(torch, net).train()
    sgd = torch.optim.SGD(model.parameters(), lr=eta)
    loss_fn = torch.nn.NLLLoss()
    X_t, y_t, order_t = torch.from_numpy(X), torch.from_numpy(y), torch.from_numpy(order)
    shape = (-1, 1, 28, 28) if isinstance(net.layers[0], ConvPool) else (-1, X.shape[1])
    start = time.perf_counter()
    for k in range(0, examples, MINI_BATCH):
        rows = order_t[k:k + MINI_BATCH]
        loss = loss_fn(model(X_t[rows].view(shape)), y_t[rows])
        sgd.zero_grad()
        loss.backward()
        sgd.step()
    return time.perf_counter() - start, model


def torch_seconds(torch, spec, X, y, order, examples):
    """Seconds of PyTorch's training loop over `examples` rows, after an untimed warm-up."""
    torch_conv_steps(torch, conv_net(spec, seed=1), X, y, order, WARMUP, spec["eta"])
    return torch_conv_steps(torch, conv_net(spec), X, y, order, examples, spec["eta"])[0]
