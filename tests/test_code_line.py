"""Pasted lines of code: read against a whitelist, never run; and configs that nest optimizers."""
from __future__ import annotations

import json

import numpy as np
import pytest

import surfaces
from gradscape.code_line import CodeLineError, parse
from gradscape.experiment import ConfigError, load, simulate
from optimizers import make
from optimizers.runner import run


@pytest.mark.parametrize("text,expected", [
    ("torch.optim.AdamW(model.parameters(), lr=3e-4, betas=(0.9, 0.95), weight_decay=0.1)",
     ("optimizer", {"name": "AdamW", "params": {"lr": 3e-4, "betas": [0.9, 0.95], "weight_decay": 0.1}})),
    ("lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=300)",
     ("scheduler", {"name": "OneCycleLR", "params": {"max_lr": 0.1, "total_steps": 300}})),
    ("optimizer = optim.SGD(net.parameters(), lr=0.1, momentum=0.9, nesterov=True, foreach=False)",
     ("optimizer", {"name": "SGD", "params": {"lr": 0.1, "momentum": 0.9, "nesterov": True}})),
    ("torch.optim.lr_scheduler.StepLR(optimizer, step_size=10, gamma=-0.5, last_epoch=-1)",
     ("scheduler", {"name": "StepLR", "params": {"step_size": 10, "gamma": -0.5}})),
    ("Adam(params)", ("optimizer", {"name": "Adam", "params": {}})),
    ("torch.optim.LBFGS(model.parameters(), lr=1, line_search_fn='strong_wolfe', max_eval=None)",
     ("optimizer", {"name": "LBFGS", "params": {"lr": 1, "line_search_fn": "strong_wolfe",
                                                "max_eval": None}})),
    ("pytorch_optimizer.Lookahead(torch.optim.Adam(model.parameters(), lr=0.1), k=5, alpha=0.5)",
     ("optimizer", {"name": "Lookahead", "params": {
         "optimizer": {"name": "Adam", "params": {"lr": 0.1}}, "k": 5, "alpha": 0.5}})),
    ("SAM(model.parameters(), torch.optim.SGD, rho=0.05, lr=0.1, momentum=0.9)",
     ("optimizer", {"name": "SAM", "params": {
         "rho": 0.05, "optimizer": {"name": "SGD", "params": {"lr": 0.1, "momentum": 0.9}}}})),
    ("SAM(model.parameters(), base_optimizer=optim.Adam, adaptive=True, lr=0.01)",
     ("optimizer", {"name": "SAM", "params": {
         "adaptive": True, "optimizer": {"name": "Adam", "params": {"lr": 0.01}}}})),
])
def test_reads_the_settings_of_a_line(text, expected):
    assert parse(text) == expected


@pytest.mark.parametrize("text,words", [
    ("torch.optim.AdamX(model.parameters(), lr=0.1)", "unknown optimizer or scheduler 'AdamX' at column 1"),
    ("torch.optim.AdamW(model.parameters(), lr=0.1, betass=(0.9, 0.95))",
     "unknown keyword 'betass' for AdamW at column 47"),
    ("os.system('rm -rf /')", "'os.system' is not allowed at column 1"),
    ("__import__('os').system('ls')", "must call an optimizer or scheduler by name"),
    ("torch.optim.Adam(p, lr=__import__('os').getcwd())", "'lr': a call is not allowed"),
    ("torch.optim.Adam(p, lr=x)", "'lr': a name is not allowed at column 24"),
    ("torch.optim.Adam(p, lr=torch.pi)", "'lr': an attribute is not allowed"),
    ("torch.optim.Adam(p, lr=2**100000)", "'lr': arithmetic is not allowed"),
    ("torch.optim.Adam(p, lr=" + "9" * 30 + ")", "'lr': the number is too large"),
    ("torch.optim.Adam(p, lr=" + "9" * 5000 + ")", "is 5024 characters long"),
    ("torch.optim.Adam(p, lr=1e999)", "'lr': the number is not finite"),
    ("torch.optim.Adam(p, betas=" + "(" * 50 + "1" + ")" * 50 + ")", "nests brackets more than 8 deep"),
    ("torch.optim.Adam(p, betas=[[[0.9]]])", "'betas': lists nested too deep"),
    ("torch.optim.Adam(p, lr=lambda: 0.1)", "'lr': a lambda is not allowed"),
    ("torch.optim.Adam(p, 0.1)", "give Adam's settings as keywords (lr=0.1), not by position at column 21"),
    ("torch.optim.Adam(*args, **kwargs)", "*args and **kwargs cannot be read"),
    ("torch.optim.Adam(p, lr=0.1); import os", "is not valid Python"),
    ("import os", "is not valid Python"),
    ("torch.optim.Adam(p, lr=0.1)[0]", "must be one call"),
    ("torch.optim.Adam(p, lr=b'\\x00')", "'lr': bytes is not a value it takes"),
    ("torch.optim.Adam(p, lr=1j)", "'lr': complex is not a value it takes"),
    ("", "is empty"),
    ("Lookahead(lr_scheduler.StepLR(opt, step_size=3))", "Lookahead wraps an optimizer, not the scheduler StepLR"),
    ("SAM(model.parameters(), rho=0.1)", "SAM needs its base optimizer's class"),
    ("SAM(p, torch.optim.SGD, lr=0.1, betas=(0.9, 0.99))", "unknown keyword 'betas' for SAM or SGD"),
])
def test_refuses_what_it_cannot_read_and_says_where(text, words):
    with pytest.raises(CodeLineError) as exc:
        parse(text)
    assert words in str(exc.value)


def _config(*lines) -> dict:
    return {"surface": "himmelblau", "start": [0.5, -0.5], "steps": 30, "optimizers": list(lines)}


def test_a_config_line_from_code_runs_as_the_same_line_by_name():
    by_code = load(_config({"from_code": "torch.optim.AdamW(model.parameters(), lr=3e-2, "
                                         "betas=(0.9, 0.95), weight_decay=0.1)",
                            "scheduler": {"from_code": "lr_scheduler.OneCycleLR(opt, max_lr=0.1, "
                                                       "total_steps=300)"}}))
    by_name = load(_config({"name": "AdamW", "params": {"lr": 3e-2, "betas": [0.9, 0.95],
                                                        "weight_decay": 0.1},
                            "scheduler": {"name": "OneCycleLR", "params": {"max_lr": 0.1,
                                                                           "total_steps": 300}}}))
    assert by_code == by_name


@pytest.mark.parametrize("line,words", [
    ({"from_code": "torch.optim.AdamW(p, lr=-1.0)"}, "optimizers[0].params: Invalid learning rate: -1.0"),
    ({"from_code": "torch.optim.AdamW(p, lr=0.1, betass=1)"},
     "optimizers[0].from_code: unknown keyword 'betass' for AdamW at column 30"),
    ({"from_code": "lr_scheduler.StepLR(opt, step_size=3)"},
     "optimizers[0].from_code: StepLR is a scheduler, not an optimizer"),
    ({"from_code": "Adam(p)", "name": "SGD"}, "optimizers[0]: give from_code or name and params, not both"),
    ({"name": "SGD", "scheduler": {"from_code": "os.system('x')"}},
     "optimizers[0].scheduler.from_code: 'os.system' is not allowed"),
    ({"name": "Lookahead", "params": {"optimizer": {"name": "Adam", "params": {"lr": -1}}}},
     "optimizers[0].params: Lookahead: 'optimizer': Invalid learning rate: -1.0"),
    ({"name": "Lookahead", "params": {"optimizer": {"name": "Adamm"}}},
     "optimizers[0].params: Lookahead: 'optimizer': unknown optimizer 'Adamm'"),
    ({"name": "Lookahead", "params": {"k": 0, "optimizer": {"name": "Adam"}}},
     "optimizers[0].params: k must be positive"),
    ({"name": "Lookahead", "params": {"alpha": 1.0, "optimizer": {"name": "Adam"}}},
     "optimizers[0].params: alpha must be in the range [0.0, 1.0)"),
    ({"name": "SAM", "params": {"rho": 0.1}}, "optimizers[0].params: SAM: 'optimizer' is required"),
    ({"name": "SAM", "params": {"rho": -0.1, "optimizer": {"name": "SGD"}}},
     "optimizers[0].params: rho must be non-negative"),
    ({"name": "SAM", "params": {"optimizer": "Adam"}}, "SAM: 'optimizer' must be an optimizer"),
    ({"name": "SAM", "params": {"optimizer": {"name": "Newton"}}}, "SAM cannot wrap Newton"),
    ({"name": "LBFGS", "params": {"line_search_fn": "wolfe"}},
     "LBFGS: 'line_search_fn' must be one of None, 'strong_wolfe', got 'wolfe'"),
    ({"name": "LBFGS", "params": {"max_iter": 10 ** 6}}, "Invalid max_iter value (a gradscape limit"),
])
def test_bad_nested_and_pasted_lines_name_their_field(line, words):
    with pytest.raises(ConfigError) as exc:
        load(_config(line))
    assert words in str(exc.value)


def test_a_nested_config_is_hashable_and_round_trips():
    line = {"name": "Lookahead", "params": {"k": 3, "optimizer": {
        "name": "SAM", "params": {"rho": 0.1, "optimizer": {"name": "Adam", "params": {"lr": 0.05,
                                                                                       "betas": [0.8, 0.9]}}}}}}
    config = load(_config(line, {"name": "LBFGS", "params": {"line_search_fn": "strong_wolfe"}}))
    assert hash(config) == hash(load(config.to_json()))
    assert load(config.to_json()) == config
    assert json.loads(config.to_json())["optimizers"][0]["params"] == line["params"]
    result = simulate(config)
    assert json.loads(json.dumps(result.to_dict()))["runs"][0]["optimizer"]["params"]["optimizer"]["name"] == "SAM"
    # the experiment's path is the one the optimizer makes alone (the runner's closure included)
    alone = run(surfaces.get("himmelblau"), make(line["name"], line["params"]), [[0.5, -0.5]], 30)
    np.testing.assert_array_equal(result.runs[0].points, alone.points[0])
