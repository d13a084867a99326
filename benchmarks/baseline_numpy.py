"""The NumPy baseline: the training a careful user would write by hand.

A multilayer perceptron in float32 with `@` for the forward and backward
passes, ReLU in place, the softmax and cross-entropy gradient fused
(`(p - y) / batch`), and Adam in Keras's form (epsilon added to sqrt(v), bias
correction folded into the step size), every update in place. bench_training.py
runs it on the same data, initial weights, batch order and epochs as nnlite.
"""
import math

import numpy as np


class NumpyMLP:
    """Dense layers with ReLU hidden activations and a softmax (or linear) output."""

    def __init__(self, weights, output="softmax", learning_rate=0.001, beta_1=0.9,
                 beta_2=0.999, epsilon=1e-7):
        self.w = [np.array(w, dtype=np.float32) for w in weights[0::2]]
        self.b = [np.array(b, dtype=np.float32) for b in weights[1::2]]
        self.output = output
        self.lr, self.b1, self.b2, self.eps = learning_rate, beta_1, beta_2, epsilon
        self.params = [p for pair in zip(self.w, self.b) for p in pair]
        self.m = [np.zeros_like(p) for p in self.params]
        self.v = [np.zeros_like(p) for p in self.params]
        self.tmp = [np.empty_like(p) for p in self.params]
        self.t = 0

    def forward(self, x):
        hs = [x]
        h = x
        for i, (w, b) in enumerate(zip(self.w, self.b)):
            h = h @ w
            h += b
            if i < len(self.w) - 1:
                np.maximum(h, 0, out=h)
            hs.append(h)
        if self.output == "softmax":
            h -= h.max(axis=1, keepdims=True)
            np.exp(h, out=h)
            h /= h.sum(axis=1, keepdims=True)
        return hs

    def train_step(self, x, y):
        hs = self.forward(x)
        p = hs[-1]
        n = len(x)
        if self.output == "softmax":
            loss = -np.log(np.clip(p[np.arange(n), y], 1e-7, 1.0)).mean()
            d = p.copy()
            d[np.arange(n), y] -= 1.0
            d /= n
        else:
            r = p - y.reshape(p.shape)
            loss = float((r * r).mean())
            d = r * (2.0 / r.size)
        grads = []
        for i in range(len(self.w) - 1, -1, -1):
            grads.append(d.sum(axis=0))
            grads.append(hs[i].T @ d)
            if i > 0:
                d = d @ self.w[i].T
                d *= hs[i] > 0
        grads.reverse()   # dW0, db0, dW1, db1, ...
        self.adam(grads)
        return loss

    def adam(self, grads):
        self.t += 1
        alpha = self.lr * math.sqrt(1 - self.b2 ** self.t) / (1 - self.b1 ** self.t)
        for p, g, m, v, tmp in zip(self.params, grads, self.m, self.v, self.tmp):
            m += (g - m) * (1 - self.b1)
            np.multiply(g, g, out=tmp)
            tmp -= v
            tmp *= 1 - self.b2
            v += tmp
            np.sqrt(v, out=tmp)
            tmp += self.eps
            np.divide(m, tmp, out=tmp)
            tmp *= alpha
            p -= tmp

    def fit_epoch(self, x, y, batch_size, order):
        total = 0.0
        for lo in range(0, len(x), batch_size):
            idx = order[lo:lo + batch_size]
            total += self.train_step(x[idx], y[idx]) * len(idx)
        return total / len(x)

    def predict(self, x):
        return self.forward(x)[-1]
