"""Configs: validation that names the field, canonical JSON, and the runs they produce."""
import json

import numpy as np
import pytest

from gradscape import presets
from gradscape.experiment import ConfigError, load, simulate

TEXTBOOK = presets.PRESETS["textbook"]["config"]


def test_textbook_preset_runs_the_seed_figure():
    result = simulate(load(TEXTBOOK))
    assert [r.label for r in result.runs] == ["SGD", "Momentum", "AdaGrad", "Adam"]
    assert all(len(r.points) == 31 and r.diverged_at is None for r in result.runs)
    # SGD lr 0.95 on x²/20 + y²: x ← 0.905 x, y ← −0.9 y each step (by hand)
    np.testing.assert_allclose(result.runs[0].points[30], [-7 * 0.905**30, 2 * 0.9**30], rtol=1e-12)


def test_config_round_trips_through_json():
    config = load(TEXTBOOK)
    assert load(config.to_json()) == config
    assert load(json.loads(config.to_json())).to_dict() == config.to_dict()


def test_duplicate_labels_are_made_unique():
    config = load({"surface": "elliptic", "optimizers": [{"name": "Adam"}, {"name": "Adam"}]})
    assert [line.label for line in config.lines] == ["Adam", "Adam (2)"]


@pytest.mark.parametrize("config, field", [
    ("{not json", "config: not valid JSON"),
    ([], "config: must be a JSON object"),
    ({"optimizers": [{"name": "SGD"}]}, "surface: missing"),
    ({"surface": "nope", "optimizers": [{"name": "SGD"}]}, "surface: unknown surface 'nope'"),
    ({"surface": "elliptic", "optimizers": []}, "optimizers: must be a non-empty list"),
    ({"surface": "elliptic", "optimizers": [{"name": "Foo"}]}, "optimizers[0].name: unknown 'Foo'"),
    ({"surface": "elliptic", "optimizers": [{"name": "SGD", "params": {"lr": -1.0}}]},
     "optimizers[0].params: Invalid learning rate: -1.0"),
    ({"surface": "elliptic", "optimizers": [{"name": "SGD", "params": {"bogus": 1}}]},
     "optimizers[0].params: unknown parameter 'bogus'"),
    ({"surface": "elliptic", "optimizers": [{"name": "SGD", "scheduler": {"name": "Nope"}}]},
     "optimizers[0].scheduler.name: unknown 'Nope'"),
    ({"surface": "elliptic", "steps": -1, "optimizers": [{"name": "SGD"}]}, "steps: must be from 0"),
    ({"surface": "elliptic", "steps": 2.5, "optimizers": [{"name": "SGD"}]}, "steps: must be an integer"),
    ({"surface": "elliptic", "start": [1, "a"], "optimizers": [{"name": "SGD"}]}, "start: must be a number"),
    ({"surface": "elliptic", "start": [1e7, 0], "optimizers": [{"name": "SGD"}]}, "start: must be a finite"),
    ({"surface": "elliptic", "noise": {"std": -1}, "optimizers": [{"name": "SGD"}]}, "noise.std:"),
    ({"surface": "elliptic", "extra": 1, "optimizers": [{"name": "SGD"}]}, "config: unknown field 'extra'"),
    ({"surface": "elliptic", "optimizers": [{"name": "SGD"}] * 17}, "optimizers: at most 16"),
])
def test_invalid_configs_name_the_field(config, field):
    with pytest.raises(ConfigError) as err:
        load(json.dumps(config) if not isinstance(config, str) else config)
    assert str(err.value).startswith(field)


def test_every_preset_loads_and_runs_without_divergence_surprises():
    for name in presets.names():
        result = simulate(presets.get(name))
        assert len(result.runs) >= 3, name
        for r in result.runs:
            assert np.isfinite(r.points).all(), (name, r.label)


@pytest.mark.parametrize("text, field", [
    ('{"surface": "elliptic", "steps": Infinity, "optimizers": [{"name": "SGD"}]}', "config: not valid JSON"),
    ('{"surface": "elliptic", "steps": NaN, "optimizers": [{"name": "SGD"}]}', "config: not valid JSON"),
    ('{"surface": "elliptic", "steps": 1e400, "optimizers": [{"name": "SGD"}]}', "steps: must be an integer"),
    ('{"surface": "elliptic", "start": [1' + "0" * 400 + ', 0], "optimizers": [{"name": "SGD"}]}',
     "start: must be a finite number"),
    ('{"surface": "elliptic", "steps": 1' + "0" * 400 + ', "optimizers": [{"name": "SGD"}]}',
     "steps: must be from 0"),
])
def test_numbers_json_cannot_hold_as_floats_are_refused_by_field(text, field):
    with pytest.raises(ConfigError) as err:
        load(text)
    assert str(err.value).startswith(field) and len(str(err.value)) < 200


# --- composite and loss-driven schedulers, cycled momentum ----------------------------------

WARMUP_COSINE = {"name": "SequentialLR", "params": {
    "schedulers": [{"name": "LinearLR", "params": {"start_factor": 0.1, "total_iters": 10}},
                   {"name": "CosineAnnealingLR", "params": {"T_max": 90}}], "milestones": [10]}}


def _one(scheduler, optimizer=None):
    return {"surface": "elliptic", "steps": 40,
            "optimizers": [{**(optimizer or {"name": "Adam", "params": {"lr": 0.3}}),
                            "scheduler": scheduler}]}


def test_nested_schedulers_are_hashable_and_round_trip():
    from gradscape.experiment import load
    configs = [load(_one(WARMUP_COSINE)),
               load(_one({"name": "ChainedScheduler", "params": {"schedulers": [
                   {"name": "ConstantLR"}, {"name": "LambdaLR", "params": {"lr_lambda": "0.9^epoch"}}]}})),
               load(_one({"name": "ReduceLROnPlateau", "params": {"mode": "max", "patience": 2}})),
               load(_one({"name": "OneCycleLR", "params": {"total_steps": 40}}))]
    for config in configs:
        assert hash(config) == hash(load(config.to_json()))
        assert load(config.to_dict()) == config == load(config.to_json())


@pytest.mark.parametrize("scheduler,optimizer,message", [
    ({"name": "SequentialLR", "params": {"schedulers": [{"name": "LinearLR"}, {"name": "Foo"}],
                                         "milestones": [3]}}, None,
     "optimizers[0].scheduler.params.schedulers[1].name: unknown 'Foo'"),
    ({"name": "SequentialLR", "params": {"schedulers": [{"name": "LinearLR", "params": {"total_iters": -1}}],
                                         "milestones": []}}, None,
     "optimizers[0].scheduler.params.schedulers[0].params: Invalid total_iters value: -1"),
    ({"name": "ChainedScheduler", "params": {"schedulers": [
        {"name": "LambdaLR", "params": {"lr_lambda": "0.9^epch"}}]}}, None,
     "optimizers[0].scheduler.params.schedulers[0].params: LambdaLR: 'lr_lambda': unknown name "
     "'epch' at column 5 (use epoch, pi, e)"),
    ({"name": "CyclicLR"}, {"name": "Adagrad"},
     "optimizers[0].scheduler.params.cycle_momentum: optimizer must support momentum or beta1"),
    ({"name": "ReduceLROnPlateau", "params": {"threshold_mode": "ab"}}, None,
     "optimizers[0].scheduler.params: threshold mode ab is unknown!"),
])
def test_scheduler_field_errors(scheduler, optimizer, message):
    from gradscape.experiment import ConfigError, load
    with pytest.raises(ConfigError) as err:
        load(_one(scheduler, optimizer))
    assert str(err.value).startswith(message)


def test_momentum_is_recorded_only_when_cycled():
    from gradscape.experiment import load, simulate
    cycled = simulate(load(_one({"name": "OneCycleLR", "params": {"total_steps": 40}}))).runs[0]
    assert cycled.momentum.shape == (40,) and cycled.momentum[0] == 0.95
    assert cycled.to_dict()["momentum"][0] == 0.95
    plain = simulate(load(_one(WARMUP_COSINE))).runs[0]
    assert plain.momentum is None and "momentum" not in plain.to_dict()
    assert plain.lr[0] == 0.3 * 0.1
