"""torch.optim.lr_scheduler's SequentialLR and ChainedScheduler: schedulers made of schedulers.

Each holds a list of chainable schedulers (``schedulers``: ``{"name": ..., "params": {...}}``
items, or built ones), all driving the optimizer's one lr as torch's do through its
param_group. torch refuses ReduceLROnPlateau in either (it needs the loss); here CyclicLR and
OneCycleLR, which replace the optimizer's lr and initial_lr and cycle its momentum, and nested
composites are refused too: their composition in torch goes through param_group fields this
port does not model.
"""
from __future__ import annotations

from bisect import bisect_right
from typing import Any

from .base import Hyperparam, Scheduler
from .schedulers import Chainable, Rule

# set by optimizers/__init__.py: name -> class of every scheduler, for the nested items
REGISTRY: dict[str, type[Scheduler]] = {}


def build_all(items: Any, owner: str) -> tuple[Chainable, ...]:
    """The nested schedulers, built and checked; ValueError names the item (schedulers[1])."""
    if len(items) < 1:
        raise ValueError(f"{owner} expects at least one scheduler, but got no scheduler.")
    built = []
    for i, item in enumerate(items):
        where = f"schedulers[{i}]"
        if isinstance(item, dict):
            name = item.get("name")
            if not isinstance(name, str) or name not in REGISTRY:
                raise ValueError(f"{where}.name: unknown {str(name)[:40]!r}; known: "
                                 f"{', '.join(n for n, c in REGISTRY.items() if _composable(c))}")
            if set(item) - {"name", "params"} or not isinstance(item.get("params") or {}, dict):
                raise ValueError(f"{where}: must be an object with name and params")
            try:
                item = REGISTRY[name](**(item.get("params") or {}))
            except (ValueError, TypeError) as exc:
                raise ValueError(f"{where}.params: {exc}") from None
        if not isinstance(item, Scheduler):
            raise ValueError(f"{where}: must be an object {{\"name\": ..., \"params\": {{...}}}}")
        if item.loss_driven:
            raise ValueError(f"{owner} does not support `ReduceLROnPlateau` scheduler as it "
                             "requires additional kwargs to be specified when calling `step`, "
                             f"but got one at index {i} in the given schedulers sequence.")
        if not _composable(type(item)):
            raise ValueError(f"{where}.name: {item.name} cannot be nested here (it replaces the "
                             "optimizer's lr, or is itself made of schedulers)")
        built.append(item)
    return tuple(built)


def _composable(cls: type) -> bool:
    return issubclass(cls, Chainable) and cls.composable


SCHEDULERS_HELP = ('A JSON list of schedulers, e.g. [{"name": "LinearLR", "params": '
                   '{"start_factor": 0.1, "total_iters": 10}}, {"name": "CosineAnnealingLR", '
                   '"params": {"T_max": 90}}]')


class SequentialLR(Chainable):
    """Scheduler i drives the lr from milestone i−1 (0 for the first) to milestone i.

    torch's cycle: the first scheduler's construction sets η(0) from the optimizer's base lr;
    at step t, i = bisect_right(milestones, t); at t = milestones[i−1] scheduler i restarts
    (``_update_lr(0)``: its closed form at epoch 0, e.g. base·start_factor for LinearLR, base
    for CosineAnnealingLR), else it takes its next step (its own count from the restart).
    Warm-up then cosine: [LinearLR(start_factor=0.1, total_iters=10), CosineAnnealingLR(T_max=90)]
    with milestones [10]. torch does not check the milestones' order; here they must not decrease.
    """

    name = "SequentialLR"
    summary = "Run schedulers one after another, switching at the milestones (warm-up, then cosine)."
    composable = False
    hyperparams = (
        Hyperparam("schedulers", ({"name": "LinearLR", "params": {"start_factor": 0.1, "total_iters": 10}},
                                  {"name": "CosineAnnealingLR", "params": {"T_max": 90}}),
                   kind="schedulers", help="The schedulers in order. " + SCHEDULERS_HELP),
        Hyperparam("milestones", [10], kind="ints",
                   help="Steps at which the next scheduler takes over (one fewer than schedulers)."),
    )

    def validate(self, **p: Any) -> None:
        subs = build_all(p["schedulers"], self.name)
        if len(p["milestones"]) != len(subs) - 1:
            raise ValueError("Sequential Schedulers expects number of schedulers provided to be one "
                             "more than the number of milestone points, but got number of schedulers "
                             f"{len(subs)} and the number of milestones to be equal to "
                             f"{len(p['milestones'])}")
        if list(p["milestones"]) != sorted(p["milestones"]):
            raise ValueError(f"milestones must not decrease, got {p['milestones']}")
        self.params["schedulers"] = subs

    def rule(self, base: Any) -> Rule:
        milestones = list(self.milestones)
        rules = [s.rule(base) for s in self.schedulers]
        epochs = [-1] * len(rules)        # each scheduler's own step count (torch's last_epoch)

        def first(lr: Any) -> Any:
            i = bisect_right(milestones, 0)
            epochs[i] = 0
            return rules[i][0](base)      # torch resets lr to initial_lr first

        def update(lr: Any, t: int) -> Any:
            i = bisect_right(milestones, t)
            if i > 0 and milestones[i - 1] == t:
                epochs[i] = 0
                return self.schedulers[i].at_zero(base, lr)
            epochs[i] += 1
            return rules[i][1](lr, epochs[i])

        return first, update


class ChainedScheduler(Chainable):
    """Every scheduler steps at every step, in order, each on the lr the previous one left.

    η(0): each scheduler's construction applied in turn to the base lr; then at step t,
    η ← update_k(…update_1(η, t)…, t) (torch calls each scheduler's ``step()``). The factors
    multiply for chainable rules: ExponentialLR and StepLR together decay by both.
    """

    name = "ChainedScheduler"
    summary = "Step several schedulers together: their factors multiply."
    composable = False
    hyperparams = (
        Hyperparam("schedulers", ({"name": "ConstantLR", "params": {"factor": 0.1, "total_iters": 2}},
                                  {"name": "ExponentialLR", "params": {"gamma": 0.9}}),
                   kind="schedulers", help="The schedulers, stepped in this order. " + SCHEDULERS_HELP),
    )

    def validate(self, **p: Any) -> None:
        self.params["schedulers"] = build_all(p["schedulers"], self.name)

    def rule(self, base: Any) -> Rule:
        rules = [s.rule(base) for s in self.schedulers]

        def first(lr: Any) -> Any:
            for f, _ in rules:
                lr = f(lr)
            return lr

        def update(lr: Any, t: int) -> Any:
            for _, u in rules:
                lr = u(lr, t)
            return lr

        return first, update


