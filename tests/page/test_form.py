"""The sidebar's form as data: widget values <-> Config.
"""
from __future__ import annotations


import json

import pytest

from gradscape.experiment import unique_label
from gradscape.page.form import canonical, copy_line, float_step, hyperparams, missing_defaults, parse_ints, read_config, widget_values
from gradscape.page.keys import Key, line_key, param_key
from gradscape import presets
from gradscape.experiment import ConfigError, load


# --- widgets <-> config ---------------------------------------------------------------------

@pytest.mark.parametrize("name", list(presets.PRESETS))
def test_widgets_show_exactly_the_config(name):
    config = presets.get(name)
    uids = [10 + 3 * i for i in range(len(config.lines))]
    state = widget_values(config, uids)
    back = load(read_config(state, uids))
    assert canonical(back) == canonical(config)
    assert [line.label for line in back.lines] == [line.label for line in config.lines]


def test_widget_values_of_the_textbook_momentum_line():
    state = widget_values(presets.get("textbook"), [0, 1, 2, 3])
    assert state[line_key(1, "name")] == "SGD" and state[line_key(1, "label")] == "Momentum"
    assert state[param_key(1, "opt", "SGD", "lr")] == 0.1
    assert state[param_key(1, "opt", "SGD", "momentum")] == 0.9
    assert state[param_key(1, "opt", "SGD", "nesterov")] is False
    assert state[param_key(3, "opt", "Adam", "betas", 0)] == 0.9       # torch's default betas
    assert state[param_key(3, "opt", "Adam", "betas", 1)] == 0.999
    assert (state[Key.START_X], state[Key.START_Y], state[Key.STEPS]) == (-7.0, 2.0, 30)


def test_read_config_leaves_out_defaults():
    state = widget_values(presets.get("textbook"), [0, 1, 2, 3])
    doc = read_config(state, [0, 1, 2, 3])
    assert doc["optimizers"][1] == {"name": "SGD", "label": "Momentum",
                                    "params": {"lr": 0.1, "momentum": 0.9}}
    assert doc["optimizers"][3]["params"] == {"lr": 0.3}


def test_milestones_are_typed_as_text():
    config = presets.get("schedules")
    uids = [0, 1, 2, 3]
    state = widget_values(config, uids)
    key = param_key(2, "sched", "MultiStepLR", "milestones")
    assert state[key] == "60, 150"
    state[key] = "10 20,30"
    assert read_config(state, uids)["optimizers"][2]["scheduler"]["params"]["milestones"] == [10, 20, 30]
    state[key] = "10, twenty"
    with pytest.raises(ConfigError, match=r"optimizers\[2\]\.scheduler\.milestones"):
        read_config(state, uids)


def test_parse_ints():
    assert parse_ints(" 60, 150 ", "m") == [60, 150]
    assert parse_ints("", "m") == []
    for bad in ("1.5", "1e3", "0x10", "9" * 20):
        with pytest.raises(ConfigError):
            parse_ints(bad, "m")


def test_unique_label():
    assert unique_label("Adam", ["SGD"]) == "Adam"
    assert unique_label("Adam", ["Adam"]) == "Adam (2)"
    assert unique_label("Adam (2)", ["Adam", "Adam (2)"]) == "Adam (3)"


def test_copy_line_copies_every_parameter_under_a_new_label():
    state = widget_values(presets.get("schedules"), [0, 1, 2, 3])
    copy = copy_line(state, 1, 7, ["constant", "StepLR", "MultiStepLR", "ExponentialLR"])
    assert copy[line_key(7, "label")] == "StepLR (2)"
    assert copy[line_key(7, "scheduler")] == "StepLR"
    assert copy[param_key(7, "sched", "StepLR", "step_size")] == 50
    assert copy[param_key(7, "opt", "SGD", "lr")] == 0.2
    assert all(k.startswith("line7.") for k in copy)


def test_missing_defaults_fill_a_line_that_changed_class():
    state = widget_values(presets.get("textbook"), [0, 1, 2, 3])
    state[line_key(0, "name")] = "RMSprop"
    missing = missing_defaults(state, [0, 1, 2, 3])
    assert missing[param_key(0, "opt", "RMSprop", "alpha")] == 0.99     # torch's default
    assert missing[param_key(0, "opt", "RMSprop", "lr")] == 0.01
    assert not any(k.startswith("line1.") for k in missing)


def test_float_step():
    sgd = {h.name: h for h in hyperparams("opt", "SGD")}
    adam = {h.name: h for h in hyperparams("opt", "Adam")}
    assert float_step(sgd["lr"]) == 0.01 and float_step(sgd["momentum"]) == 0.01
    assert float_step(adam["eps"]) == pytest.approx(1e-8)


# --- the new schedulers' inputs: nested schedulers as JSON text, formulas, choices -----------

NEW_SCHEDULERS = {"surface": "himmelblau", "steps": 50, "optimizers": [
    {"name": "AdamW", "params": {"lr": 0.05}, "scheduler": {"name": "SequentialLR", "params": {
        "schedulers": [{"name": "LinearLR", "params": {"start_factor": 0.1, "total_iters": 10}},
                       {"name": "CosineAnnealingLR", "params": {"T_max": 40}}], "milestones": [10]}}},
    {"name": "SGD", "params": {"lr": 0.01}, "scheduler": {"name": "LambdaLR",
                                                           "params": {"lr_lambda": "1/(1 + epoch)"}}},
    {"name": "Adam", "params": {"lr": 0.3}, "scheduler": {"name": "ReduceLROnPlateau",
                                                           "params": {"mode": "max", "patience": 3}}},
    {"name": "SGD", "params": {"lr": 0.01}, "scheduler": {"name": "OneCycleLR",
                                                           "params": {"total_steps": 50}}}]}


def test_new_schedulers_through_the_widgets():
    config = load(NEW_SCHEDULERS)
    uids = [0, 1, 2, 3]
    state = widget_values(config, uids)
    text = state[param_key(0, "sched", "SequentialLR", "schedulers")]
    assert json.loads(text)[1] == {"name": "CosineAnnealingLR", "params": {"T_max": 40}}
    assert state[param_key(1, "sched", "LambdaLR", "lr_lambda")] == "1/(1 + epoch)"
    assert state[param_key(2, "sched", "ReduceLROnPlateau", "mode")] == "max"
    assert state[param_key(3, "sched", "OneCycleLR", "cycle_momentum")] is True
    back = load(read_config(state, uids))
    assert canonical(back) == canonical(config)


@pytest.mark.parametrize("text,message", [
    ("[{\"name\": \"LinearLR\"", r"optimizers\[0\]\.scheduler\.params\.schedulers: not valid JSON"),
    ("{\"name\": \"LinearLR\"}", r"optimizers\[0\]\.scheduler\.params\.schedulers: must be a JSON list"),
    ("[{\"name\": \"LinearLR\"}, {\"name\": \"Foo\"}]",
     r"optimizers\[0\]\.scheduler\.params\.schedulers\[1\]\.name: unknown 'Foo'"),
])
def test_nested_scheduler_text_errors_name_the_field(text, message):
    uids = [0, 1, 2, 3]
    state = widget_values(load(NEW_SCHEDULERS), uids)
    state[param_key(0, "sched", "SequentialLR", "schedulers")] = text
    with pytest.raises(ConfigError, match=message):
        load(read_config(state, uids))


# --- wrappers, LBFGS's choices, pasted code -------------------------------------------------

WRAPPED = {"surface": "himmelblau", "start": [0.5, -0.5], "steps": 20, "optimizers": [
    {"name": "Lookahead", "label": "LA", "params": {"k": 3, "optimizer": {
        "name": "Adam", "params": {"lr": 0.05, "betas": [0.8, 0.99]}}}},
    {"name": "SAM", "label": "SAM", "params": {"rho": 0.1, "optimizer": {"name": "SGD", "params": {"lr": 0.01}}}},
    {"name": "LBFGS", "label": "LBFGS", "params": {"line_search_fn": "strong_wolfe", "max_eval": 10}}]}


def test_a_wrapper_shows_its_optimizer_as_inputs_and_reads_back():
    config = load(WRAPPED)
    state = widget_values(config, [0, 1, 2])
    assert state[param_key(0, "opt", "Lookahead", "optimizer")] == "Adam"
    assert state[param_key(0, "inner", "Adam", "lr")] == 0.05
    assert state[param_key(0, "inner", "Adam", "betas", 0)] == 0.8
    assert state[param_key(2, "opt", "LBFGS", "line_search_fn")] == "strong_wolfe"
    assert state[param_key(2, "opt", "LBFGS", "max_eval")] == 10
    doc = read_config(state, [0, 1, 2])
    assert doc["optimizers"][0]["params"] == WRAPPED["optimizers"][0]["params"]
    assert doc["optimizers"][2]["params"] == WRAPPED["optimizers"][2]["params"]
    assert canonical(load(doc)) == canonical(config)


def test_a_wrapper_around_a_wrapper_has_no_inputs():
    nested = {**WRAPPED, "optimizers": [{"name": "Lookahead", "params": {"optimizer": {
        "name": "SAM", "params": {"optimizer": {"name": "SGD"}}}}}]}
    with pytest.raises(ConfigError, match="one level of wrapping"):
        widget_values(load(nested), [0])


def test_copy_and_switch_keep_the_wrapped_optimizer():
    state = widget_values(load(WRAPPED), [0, 1, 2])
    copied = copy_line(state, 0, 7, ["LA"])
    assert copied[param_key(7, "opt", "Lookahead", "optimizer")] == "Adam"
    assert copied[param_key(7, "inner", "Adam", "lr")] == 0.05
    state[param_key(1, "opt", "SAM", "optimizer")] = "RMSprop"     # the user picks another one
    filled = missing_defaults(state, [0, 1, 2])
    assert filled[param_key(1, "inner", "RMSprop", "alpha")] == 0.99
