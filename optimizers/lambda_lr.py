"""torch.optim.lr_scheduler's LambdaLR and MultiplicativeLR, with lr_lambda a typed formula.

torch takes a Python function of the epoch; here it is a formula in ``epoch`` (``0.95^epoch``,
``1/(1 + 0.1*epoch)``) parsed by ``surfaces.expr`` against its whitelist and never executed.
Its errors (with their column) are the scheduler's ValueError.
"""
from __future__ import annotations

from typing import Any, Callable

from surfaces.expr import FormulaError, of_one_variable

from .base import Hyperparam
from .schedulers import Chainable, Rule

LAMBDA_HELP = ("A formula in epoch, e.g. 0.95^epoch or 1/(1 + 0.1*epoch): numbers, epoch, pi, e, "
               "+ - * / ^ and sin cos exp log sqrt abs ...; parsed, never executed.")


def _factor(formula: str, owner: str) -> Callable[[int], Any]:
    """The formula as λ(epoch); a formula error, or a value λ cannot take, is a ValueError."""
    try:
        kernel = of_one_variable(formula, "epoch")
    except FormulaError as exc:
        raise ValueError(f"{owner}: 'lr_lambda': {exc}") from None

    def factor(epoch: int) -> Any:
        try:
            return kernel(epoch)
        except (ZeroDivisionError, OverflowError) as exc:
            raise ValueError(f"{owner}: lr_lambda {formula!r} fails at epoch {epoch} "
                             f"({exc})") from None

    return factor


class LambdaLR(Chainable):
    """η(t) = base·λ(t) (torch: ``base_lr * lr_lambda(last_epoch)``; the first update uses
    base·λ(0)); λ is a formula in epoch."""

    name = "LambdaLR"
    summary = "Set the learning rate to base times a formula in epoch."
    hyperparams = (
        Hyperparam("lr_lambda", "0.95^epoch", kind="formula",
                   help="The factor λ(epoch) of the base lr. " + LAMBDA_HELP +
                        " (torch requires it; 0.95^epoch is our default)"),
    )

    def validate(self, **p: Any) -> None:
        _factor(p["lr_lambda"], self.name)

    def rule(self, base: Any) -> Rule:
        factor = _factor(self.lr_lambda, self.name)
        return (lambda lr: base * factor(0)), (lambda lr, t: base * factor(t))


class MultiplicativeLR(Chainable):
    """η(t) = η(t−1)·λ(t) for t ≥ 1, η(0) = base (torch: ``group["lr"] * lr_lambda(last_epoch)``);
    λ is a formula in epoch. After a SequentialLR milestone torch multiplies by λ(0) too."""

    name = "MultiplicativeLR"
    summary = "Multiply the learning rate by a formula in epoch after every update."
    hyperparams = (
        Hyperparam("lr_lambda", "0.95", kind="formula",
                   help="The factor λ(epoch) applied at each step. " + LAMBDA_HELP +
                        " (torch requires it; 0.95 is our default)"),
    )

    def validate(self, **p: Any) -> None:
        _factor(p["lr_lambda"], self.name)

    def rule(self, base: Any) -> Rule:
        factor = _factor(self.lr_lambda, self.name)
        return (lambda lr: lr), (lambda lr, t: lr * factor(t))

    def at_zero(self, base: Any, lr: Any) -> Any:
        return lr * _factor(self.lr_lambda, self.name)(0)
