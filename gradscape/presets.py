"""Named experiments: the seeds' demonstrations, ready to open in the app or render from the CLI."""
from __future__ import annotations

from dataclasses import replace
from typing import Any

from gradscape.experiment import Config, load
from gradscape.i18n import N_, _


def _opt(name: str, label: str, scheduler: dict[str, Any] | None = None, **params: Any) -> dict[str, Any]:
    line = {"name": name, "label": label, "params": params}
    if scheduler:
        line["scheduler"] = scheduler
    return line


PRESETS: dict[str, dict[str, Any]] = {
    "textbook": {
        "name": N_("Textbook figure"),
        "title": N_("The textbook figure: x²/20 + y² from (-7, 2)"),
        "config": {"surface": "elliptic", "start": [-7.0, 2.0], "steps": 30, "optimizers": [
            _opt("SGD", "SGD", lr=0.95),
            _opt("SGD", "Momentum", lr=0.1, momentum=0.9),
            _opt("Adagrad", "AdaGrad", lr=1.5),
            _opt("Adam", "Adam", lr=0.3)]},
    },
    "textbook_book": {
        "name": N_("Textbook figure, the book's own classes"),
        "title": N_("The textbook figure with the book's own NumPy classes"),
        "config": {"surface": "elliptic", "start": [-7.0, 2.0], "steps": 30, "optimizers": [
            _opt("Textbook.SGD", "SGD", lr=0.95),
            _opt("Textbook.Momentum", "Momentum", lr=0.1, momentum=0.9),
            _opt("Textbook.AdaGrad", "AdaGrad", lr=1.5),
            _opt("Textbook.Adam", "Adam", lr=0.3)]},
    },
    "rosenbrock": {
        "name": N_("Rosenbrock's valley"),
        "title": N_("Rosenbrock's valley: easy to find, hard to follow"),
        "config": {"surface": "rosenbrock", "start": [-1.5, 2.0], "steps": 500, "optimizers": [
            _opt("SGD", "SGD", lr=0.001),
            _opt("SGD", "Nesterov", lr=0.001, momentum=0.9, nesterov=True),
            _opt("RMSprop", "RMSprop", lr=0.01),
            _opt("Adam", "Adam", lr=0.05)]},
    },
    "saddle": {
        "name": N_("Saddle x² − y²"),
        "title": N_("The saddle x² − y²: who escapes?"),
        "config": {"surface": "saddle", "start": [-1.8, 1e-3], "steps": 60, "optimizers": [
            _opt("SGD", "SGD", lr=0.05),
            _opt("SGD", "Momentum", lr=0.05, momentum=0.9),
            _opt("Adagrad", "AdaGrad", lr=0.5),
            _opt("Adam", "Adam", lr=0.1)]},
    },
    "learning_rates": {
        "name": N_("Learning rate too small / right / too large"),
        "title": N_("Learning rate too small, right, too large on 4x² + y² (the seeds' y = 4x²)"),
        "config": {"surface": {"expr": "4*x^2 + y^2", "window": [[-2, 2], [-2, 2]]},
                   "start": [1.5, 1.5], "steps": 40, "optimizers": [
            _opt("SGD", N_("lr 0.01: too small"), lr=0.01),
            _opt("SGD", N_("lr 0.1: about right"), lr=0.1),
            _opt("SGD", N_("lr 0.26: too large"), lr=0.26)]},
    },
    "seed_learning_rates": {
        "name": N_("y = 4x²: the seed's five learning rates"),
        "title": N_("y = 4x² from x = 2 (seed 002): learning rates 0.01, 0.1, 0.125, 0.2, 0.3"),
        # the seed's own experiment: gradient 8x, so one step maps x to (1 − 8·lr)·x: 0.92 (slow),
        # 0.2, 0 (the minimum in one step), −0.6 (across and back), −1.4 (away, ever farther)
        "config": {"surface": {"expr": "4*x^2", "window": [[-3, 3], [-1, 1]]},
                   "start": [2.0, 0.0], "steps": 20, "optimizers": [
            _opt("SGD", "lr 0.01", lr=0.01),
            _opt("SGD", "lr 0.1", lr=0.1),
            _opt("SGD", "lr 0.125", lr=0.125),
            _opt("SGD", "lr 0.2", lr=0.2),
            _opt("SGD", "lr 0.3", lr=0.3)]},
    },
    "saddle_axis": {
        "name": N_("Saddle x² − y², on its ridge"),
        "title": N_("The saddle x² − y² from (-1.8, 0): the gradient never points off the x axis"),
        "config": {"surface": "saddle", "start": [-1.8, 0.0], "steps": 60, "optimizers": [
            _opt("SGD", "SGD", lr=0.05),
            _opt("SGD", "Momentum", lr=0.05, momentum=0.9),
            _opt("Adam", "Adam", lr=0.1)]},
    },
    "momentum_bump": {
        "name": N_("Momentum over a bump"),
        "title": N_("Two valleys, (x² − 1)² + x/2 + y²: momentum rolls over the bump into the "
                    "deeper one"),
        # from (2, 1) with lr 0.01: SGD stops in the right valley (x ≈ 0.93); momentum 0.9 rolls
        # over the bump into the deeper left one (x ≈ −1.06); 0.95 rolls over and back again
        "config": {"surface": {"expr": "(x^2 - 1)^2 + 0.5*x + y^2", "window": [[-2, 2.5], [-1.5, 1.5]]},
                   "start": [2.0, 1.0], "steps": 200, "optimizers": [
            _opt("SGD", "SGD", lr=0.01),
            _opt("SGD", "momentum 0.5", lr=0.01, momentum=0.5),
            _opt("SGD", "momentum 0.9", lr=0.01, momentum=0.9),
            _opt("SGD", "momentum 0.95", lr=0.01, momentum=0.95)]},
    },
    "warmup": {
        "name": N_("Warm-up"),
        "title": N_("Warm-up on x⁴ + y⁴: a large lr survives the steep start when it starts small"),
        # curvature 12x²: at x = 3.5 lr 0.05 overshoots ever farther (lr·f'' ≈ 7 > 2); ramped up
        # from 0.005 over 20 steps it lets x shrink first, then goes 10x faster than lr 0.005
        "config": {"surface": {"expr": "x^4 + y^4", "window": [[-4, 4], [-4, 4]]},
                   "start": [3.5, 2.5], "steps": 100, "optimizers": [
            _opt("SGD", "lr 0.005", lr=0.005),
            _opt("SGD", N_("warm-up to 0.05"), {"name": "LinearLR",
                                                "params": {"start_factor": 0.1, "total_iters": 20}}, lr=0.05),
            _opt("SGD", N_("warm-up, cosine"), {"name": "SequentialLR", "params": {
                "schedulers": [{"name": "LinearLR", "params": {"start_factor": 0.1, "total_iters": 20}},
                               {"name": "CosineAnnealingLR", "params": {"T_max": 80}}],
                "milestones": [20]}}, lr=0.05)]},
    },
    "schedules": {
        "name": N_("Schedules compared"),
        "title": N_("Noisy gradients: a constant lr jitters around the minimum, a decaying lr settles"),
        # mini-batch noise σ = 2 on the round bowl x² + y²: with lr fixed at 0.2 SGD reaches the
        # minimum in ~10 steps and then wanders about 0.5 from it for good (seed 0: 1.0 at step
        # 300); each schedule shrinks the steps the noise makes and ends within ~0.1
        "config": {"surface": {"expr": "x^2 + y^2", "window": [[-4, 4], [-4, 4]]},
                   "start": [-3.0, 2.5], "steps": 300, "noise": {"std": 2.0, "seed": 0},
                   "optimizers": [
            _opt("SGD", N_("constant"), lr=0.2),
            _opt("SGD", "StepLR", {"name": "StepLR", "params": {"step_size": 50, "gamma": 0.5}}, lr=0.2),
            _opt("SGD", "MultiStepLR", {"name": "MultiStepLR",
                                        "params": {"milestones": [60, 150], "gamma": 0.2}}, lr=0.2),
            _opt("SGD", "ExponentialLR", {"name": "ExponentialLR", "params": {"gamma": 0.985}}, lr=0.2)]},
    },
    "himmelblau": {
        "name": N_("Himmelblau's four minima"),
        "title": N_("Himmelblau's four minima: where you start decides where you end"),
        "config": {"surface": "himmelblau", "start": [-0.27, -0.92], "steps": 200, "optimizers": [
            _opt("SGD", "SGD", lr=0.01),
            _opt("SGD", "Momentum", lr=0.002, momentum=0.9),
            _opt("RMSprop", "RMSprop", lr=0.05),
            _opt("Adam", "Adam", lr=0.1)]},
    },
    "minibatch": {
        "name": N_("Batch GD, mini-batch, SGD"),
        "title": N_("Linear regression on 50 points: batch GD, mini-batches of 8, single samples"),
        "config": {"surface": {"model": "linear", "data": {"name": "noisy_line"}},
                   "start": [-2.0, 2.0], "steps": 100, "batch": {"size": 8, "seed": 0},
                   "optimizers": [
            dict(_opt("SGD", N_("batch GD (50 rows)"), lr=0.1), batch={"size": 50, "seed": 0}),
            _opt("SGD", N_("mini-batch 8"), lr=0.1),
            dict(_opt("SGD", N_("single-sample SGD"), lr=0.1), batch={"size": 1, "seed": 0})]},
    },
}

DEFAULT = "textbook"
# The landing figure in torch.optim's classes and in the book's own (seed 003): where they differ,
# on this figure, at most (scripts/golden_deviation.py; tests/golden/textbook*.json).
BOOK = {"textbook": "textbook_book", "textbook_book": "textbook"}
BOOK_HELP = N_("Run the figure with the book's own NumPy classes (seed 003) instead of torch.optim's: "
             "SGD and Momentum are the same rule (they differ by 1e-15, rounding); the book's "
             "AdaGrad adds eps = 1e-7 instead of 1e-10 (3.7e-7 apart); its Adam folds the bias "
             "correction into the step size and adds 1e-7 to √v (9.5e-6 apart). The book's "
             "Nesterov is another algorithm than torch's nesterov=True (0.37 apart here).")


def names() -> list[str]:
    return list(PRESETS)


def get(name: str) -> Config:
    """The preset's validated Config; ValueError for an unknown name."""
    if name not in PRESETS:
        raise ValueError(f"unknown preset '{name}'; known: {', '.join(PRESETS)}")
    return labelled(load(PRESETS[name]["config"]))


def labelled(config: Config) -> Config:
    """``config`` with its line labels in the reader's language ("constant" -> "常数"); a label
    the catalogue does not hold ("Adam", "lr 0.1") stays as it is. For presets and lesson steps."""
    return replace(config, lines=tuple(replace(line, label=_(line.label)) for line in config.lines))


def title(name: str) -> str:
    """The preset's headline, e.g. "The textbook figure: x²/20 + y² from (-7, 2)"."""
    return _(PRESETS[name]["title"])


def short_name(name: str) -> str:
    """The preset as the preset menu lists it, e.g. "Textbook figure"."""
    return _(PRESETS[name]["name"])
