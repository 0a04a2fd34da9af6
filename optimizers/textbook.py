"""The textbook's own NumPy optimizer classes, exactly as the book writes them. Not torch.optim.

Source: Koki Saitō (斋藤康毅), "Deep Learning from Scratch" (《深度学习入门：基于Python的理论与
实现》), ``common/optimizer.py``: SGD, Momentum, Nesterov, AdaGrad, RMSprop, Adam, quoted in the
project's seeds (/work/shared/reference/seeds/003_*, 000_*). Each class updates a dict of
parameters in place (``update(params, grads)``); here the same arithmetic, in the same order,
runs as our pure batched ``step``. Config names are "Textbook.<class>", keywords the book's.

The differences from torch on the book's landing figure (x²/20 + y² from (-7, 2), 30 steps) are
measured by ``scripts/make_golden_beyond.py`` and stated in each class's docstring: the largest
coordinate difference of the 31 points between the book's class and the torch.optim rule with
the same settings.

The book checks no argument; we reject what makes a rule meaningless (lr < 0, a negative
momentum, decay rates outside [0, 1], betas outside [0, 1)) with torch's messages.
"""
from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from . import _common as c
from .base import Array, Hyperparam, Optimizer

BOOK_EPS = 1e-7     # the book's "微小值" added to √h (AdaGrad, RMSprop) and √v (Adam)


class TextbookState(NamedTuple):
    """step; v (N, 2): the velocity (Momentum, Nesterov), the squared-gradient accumulator h
    (AdaGrad, RMSprop) or Adam's first moment m; h (N, 2): Adam's second moment v (else zeros)."""

    step: int
    v: Array
    h: Array


def _lr(default: float) -> Hyperparam:
    return Hyperparam("lr", default, low=0.0, log=True, error="Invalid learning rate",
                      help=f"Learning rate (the book's default {default}).")


MOMENTUM = Hyperparam("momentum", 0.9, low=0.0, error="Invalid momentum value",
                      help="α: the velocity keeps α·v each step.")


class _Textbook(Optimizer):
    reference = True          # not one of torch.optim's optimizers

    def init(self, theta: Array) -> TextbookState:
        zeros = np.zeros_like(c.as_theta(theta))
        return TextbookState(0, zeros, zeros)


class TextbookSGD(_Textbook):
    """The book's SGD: ``params[key] -= self.lr * grads[key]``.

    θ ← θ − lr·g: torch.optim.SGD(lr)'s rule. On the landing figure (lr 0.95) the two differ by
    6.7e-16 at most, from the gradient's rounding alone (the book's x/10 against autograd's 2x/20).
    """

    name = "Textbook.SGD"
    summary = "The textbook's SGD: θ ← θ − lr·g (Saitō, Deep Learning from Scratch; not torch.optim)."
    hyperparams = (_lr(0.01),)

    def step(self, state: TextbookState, theta: Array, grad: Array, lr: Any, *,
             hessian: Any = None) -> tuple[Array, TextbookState]:
        """One update; ``lr`` is a float or an (N, 1) column."""
        with np.errstate(all="ignore"):
            return theta - c.col(lr) * grad, state._replace(step=state.step + 1)

    def explain(self, before: TextbookState, after: TextbookState, lr: Any) -> dict[str, Array]:
        """effective_lr: lr on both coordinates; the update is −lr·g."""
        return {"effective_lr": np.zeros_like(after.v) + c.col(lr)}


class TextbookMomentum(_Textbook):
    """The book's Momentum: ``v = momentum*v − lr*g;  params += v``.

    v ← α·v − lr·g;  θ ← θ + v. The velocity holds −lr·b of torch's buffer b, so for a constant
    lr it is torch.optim.SGD(lr, momentum=α) up to rounding: 1.0e-15 on the landing figure
    (lr 0.1, momentum 0.9). With a changing lr they differ: the book's velocity keeps the old
    lrs, torch multiplies the whole buffer by the current one.
    """

    name = "Textbook.Momentum"
    summary = ("The textbook's Momentum: v ← αv − lr·g, θ ← θ + v "
               "(Saitō, Deep Learning from Scratch; not torch.optim).")
    hyperparams = (_lr(0.01), MOMENTUM)

    def step(self, state: TextbookState, theta: Array, grad: Array, lr: Any, *,
             hessian: Any = None) -> tuple[Array, TextbookState]:
        """One update; ``lr`` is a float or an (N, 1) column."""
        with np.errstate(all="ignore"):
            v = c.col(self.momentum) * state.v - c.col(lr) * grad
            return theta + v, state._replace(step=state.step + 1, v=v)

    def explain(self, before: TextbookState, after: TextbookState, lr: Any) -> dict[str, Array]:
        """effective_lr: lr; momentum: the velocity v (the update itself: θ ← θ + v)."""
        return {"effective_lr": np.zeros_like(after.v) + c.col(lr), "momentum": after.v}


class TextbookNesterov(_Textbook):
    """The book's Nesterov (after Bengio et al., arXiv:1212.0901):
    ``v *= momentum;  v -= lr*g;  params += momentum*momentum*v;  params -= (1 + momentum)*lr*g``.

    v ← α·v − lr·g;  θ ← θ + α²·v − (1 + α)·lr·g. A different algorithm from torch's
    ``SGD(nesterov=True)`` (θ ← θ − lr·(g + α·b), b ← α·b + g): the book applies α² to the
    *updated* velocity, which counts the new gradient α²·lr + (1 + α)·lr times instead of
    (1 + α)·lr. On the landing figure (lr 0.1, momentum 0.9) they part by up to 0.37.
    """

    name = "Textbook.Nesterov"
    summary = ("The textbook's Nesterov: θ ← θ + α²v − (1+α)·lr·g with v ← αv − lr·g "
               "(Saitō; differs from torch's nesterov=True; not torch.optim).")
    hyperparams = (_lr(0.01), MOMENTUM)

    def step(self, state: TextbookState, theta: Array, grad: Array, lr: Any, *,
             hessian: Any = None) -> tuple[Array, TextbookState]:
        """One update; ``lr`` is a float or an (N, 1) column."""
        mu, lr = c.col(self.momentum), c.col(lr)
        with np.errstate(all="ignore"):
            v = state.v * mu - lr * grad
            theta = theta + mu * mu * v
            theta = theta - (1 + mu) * lr * grad
            return theta, state._replace(step=state.step + 1, v=v)

    def explain(self, before: TextbookState, after: TextbookState, lr: Any) -> dict[str, Array]:
        """effective_lr: (1 + α)·lr, the factor on g; momentum: the velocity v.

        The update is α²·v − effective_lr ⊙ g.
        """
        mu = c.col(self.momentum)
        return {"effective_lr": np.zeros_like(after.v) + (1 + mu) * c.col(lr), "momentum": after.v}


class TextbookAdaGrad(_Textbook):
    """The book's AdaGrad: ``h += g*g;  params -= lr*g / (np.sqrt(h) + 1e-7)``.

    h ← h + g²;  θ ← θ − lr·g/(√h + 1e-7). torch.optim.Adagrad adds eps = 1e-10 instead of the
    book's 1e-7: on the landing figure (lr 1.5) they differ by 3.7e-7 at most.
    """

    name = "Textbook.AdaGrad"
    summary = ("The textbook's AdaGrad: θ ← θ − lr·g/(√h + 1e-7), h ← h + g² "
               "(Saitō, Deep Learning from Scratch; not torch.optim).")
    hyperparams = (_lr(0.01),)

    def step(self, state: TextbookState, theta: Array, grad: Array, lr: Any, *,
             hessian: Any = None) -> tuple[Array, TextbookState]:
        """One update; ``lr`` is a float or an (N, 1) column."""
        with np.errstate(all="ignore"):
            h = state.v + grad * grad
            return (theta - c.col(lr) * grad / (np.sqrt(h) + BOOK_EPS),
                    state._replace(step=state.step + 1, v=h))

    def explain(self, before: TextbookState, after: TextbookState, lr: Any) -> dict[str, Array]:
        """effective_lr: lr/(√h + 1e-7); the update is −effective_lr ⊙ g. No momentum."""
        with np.errstate(all="ignore"):
            return {"effective_lr": c.col(lr) / (np.sqrt(after.v) + BOOK_EPS)}


class TextbookRMSprop(_Textbook):
    """The book's RMSprop: ``h *= decay_rate;  h += (1 − decay_rate)*g*g;
    params -= lr*g / (np.sqrt(h) + 1e-7)``.

    torch.optim.RMSprop(lr, alpha=decay_rate) has the same rule with eps = 1e-8 for 1e-7
    (and multiplies lr·g/(√h + eps) in another order); the seed's figure does not draw RMSprop:
    with lr 0.1 on the landing figure's surface and start they differ by 2.9e-6 at most.
    """

    name = "Textbook.RMSprop"
    summary = ("The textbook's RMSprop: θ ← θ − lr·g/(√h + 1e-7), h ← ρh + (1−ρ)g² "
               "(Saitō, Deep Learning from Scratch; not torch.optim).")
    hyperparams = (
        _lr(0.01),
        Hyperparam("decay_rate", 0.99, low=0.0, high=1.0,
                   help="ρ: the squared-gradient average keeps ρ·h each step."),
    )

    def step(self, state: TextbookState, theta: Array, grad: Array, lr: Any, *,
             hessian: Any = None) -> tuple[Array, TextbookState]:
        """One update; ``lr`` is a float or an (N, 1) column."""
        rho = c.col(self.decay_rate)
        with np.errstate(all="ignore"):
            h = state.v * rho + (1 - rho) * grad * grad
            return (theta - c.col(lr) * grad / (np.sqrt(h) + BOOK_EPS),
                    state._replace(step=state.step + 1, v=h))

    def explain(self, before: TextbookState, after: TextbookState, lr: Any) -> dict[str, Array]:
        """effective_lr: lr/(√h + 1e-7); the update is −effective_lr ⊙ g. No momentum."""
        with np.errstate(all="ignore"):
            return {"effective_lr": c.col(lr) / (np.sqrt(after.v) + BOOK_EPS)}


class TextbookAdam(_Textbook):
    """The book's Adam (after arXiv:1412.6980v8):
    ``lr_t = lr·√(1 − β2ᵗ)/(1 − β1ᵗ);  m += (1 − β1)(g − m);  v += (1 − β2)(g² − v);
    params -= lr_t·m/(√v + 1e-7)``.

    The bias correction is folded into the step size, so the book's eps is effectively
    1e-7/√(1 − β2ᵗ) on torch's √v̂ (torch: eps = 1e-8 outside √v̂). On the landing figure
    (lr 0.3) the two differ by 9.5e-6 at most.
    """

    name = "Textbook.Adam"
    summary = ("The textbook's Adam: bias correction folded into the step size, 1e-7 added to √v "
               "(Saitō, Deep Learning from Scratch; not torch.optim).")
    hyperparams = (
        _lr(0.001),
        Hyperparam("beta1", 0.9, low=0.0, high=1.0, high_open=True,
                   error="Invalid beta parameter at index 0", help="Decay of the gradient average m."),
        Hyperparam("beta2", 0.999, low=0.0, high=1.0, high_open=True,
                   error="Invalid beta parameter at index 1",
                   help="Decay of the squared-gradient average v."),
    )

    def init(self, theta: Array) -> TextbookState:
        zeros = np.zeros_like(c.as_theta(theta))
        return TextbookState(0, zeros, zeros)

    def _lr_t(self, lr: Any, t: int) -> Any:
        b1, b2 = c.col(self.beta1), c.col(self.beta2)
        return c.col(lr) * np.sqrt(1.0 - c.power(b2, t)) / (1.0 - c.power(b1, t))

    def step(self, state: TextbookState, theta: Array, grad: Array, lr: Any, *,
             hessian: Any = None) -> tuple[Array, TextbookState]:
        """One update; ``lr`` is a float or an (N, 1) column."""
        b1, b2, t = c.col(self.beta1), c.col(self.beta2), state.step + 1
        with np.errstate(all="ignore"):
            lr_t = self._lr_t(lr, t)
            m = state.v + (1 - b1) * (grad - state.v)
            v = state.h + (1 - b2) * (grad ** 2 - state.h)
            return theta - lr_t * m / (np.sqrt(v) + BOOK_EPS), TextbookState(t, m, v)

    def explain(self, before: TextbookState, after: TextbookState, lr: Any) -> dict[str, Array]:
        """effective_lr: lr_t/(√v + 1e-7) with lr_t = lr·√(1 − β2ᵗ)/(1 − β1ᵗ); momentum: m.

        The update is −effective_lr ⊙ m (the bias correction lives in lr_t, so m is not m̂ here).
        """
        with np.errstate(all="ignore"):
            return {"effective_lr": self._lr_t(lr, after.step) / (np.sqrt(after.h) + BOOK_EPS),
                    "momentum": after.v}


TEXTBOOK_CLASSES = (TextbookSGD, TextbookMomentum, TextbookNesterov, TextbookAdaGrad,
                    TextbookRMSprop, TextbookAdam)
