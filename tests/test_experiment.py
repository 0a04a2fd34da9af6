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
