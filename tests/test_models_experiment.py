"""Model surfaces in the experiment and the CLI: the config form, mini-batches, the output.

Numbers come from torch (tests/golden/models.json: torch.optim on DataLoader batches) or are
recomputed here by hand from the output's own data and batches (the issue's promise).
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from gradscape.experiment import ConfigError, load, simulate

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = json.loads((ROOT / "tests" / "golden" / "models.json").read_text())


def gradscape(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "gradscape", *args], input=stdin,
                          capture_output=True, text=True, timeout=120, cwd=ROOT)


def linear(data, **extra):
    return {"surface": {"model": "linear", "data": data}, "optimizers": [{"name": "SGD"}], **extra}


def test_minibatch_steps_match_torch_optim_on_a_dataloader():
    case = GOLDEN["steps"][0]
    config = load({"surface": {"model": "linear", "data": {"generate": case["generate"]}},
                   "start": case["start"], "steps": 30, "batch": case["batch"],
                   "optimizers": [{"name": "SGD", "params": {"lr": 0.1, "momentum": 0.9}},
                                  {"name": "Adam", "params": {"lr": 0.05}}]})
    result = simulate(config)
    for run, want in zip(result.runs, case["runs"]):
        np.testing.assert_allclose(run.points, want["points"], rtol=1e-13, atol=1e-14)


def test_cli_output_lets_anyone_recompute_every_step():
    config = linear({"name": "noisy_line"}, start=[-2.0, 2.0], steps=20,
                    batch={"size": 8, "shuffle": True, "seed": 3},
                    optimizers=[{"name": "SGD", "params": {"lr": 0.1}}])
    out = gradscape("run", "-", stdin=json.dumps(config))
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    x, y = np.array(result["data"]["x"]), np.array(result["data"]["y"])
    run = result["runs"][0]
    assert len(run["batches"]) == 20 and all(len(b) == 8 for b in run["batches"][:6])
    assert len(run["batches"][6]) == 50 - 6 * 8          # an epoch of 50 rows: 6 × 8 + 2
    assert sorted(sum(run["batches"][:7], [])) == list(range(50))
    for t, rows in enumerate(run["batches"]):
        w, b = run["points"][t]
        r = w * x[rows] + b - y[rows]
        grad = [2 * np.mean(r * x[rows]), 2 * np.mean(r)]                 # by hand
        assert run["grad"][t] == pytest.approx(grad, rel=1e-12, abs=1e-14)
        assert run["points"][t + 1] == pytest.approx([w - 0.1 * grad[0], b - 0.1 * grad[1]], rel=1e-12)
        full = np.mean((w * x + b - y) ** 2)                              # loss[t]: all rows
        assert run["loss"][t] == pytest.approx(full, rel=1e-12)


def test_full_batch_output_has_null_batches_and_builtin_output_has_neither():
    out = gradscape("run", "-", stdin=json.dumps(linear({"generate": {"n": 10}}, steps=3)))
    result = json.loads(out.stdout)
    assert result["runs"][0]["batches"] is None and len(result["data"]["y"]) == 10
    out = gradscape("run", "-", stdin=json.dumps({"surface": "booth", "steps": 2,
                                                  "optimizers": [{"name": "SGD"}]}))
    result = json.loads(out.stdout)
    assert "data" not in result and "batches" not in result["runs"][0]


def test_config_round_trips_and_is_hashable():
    for d in ({"x": [1, 2, 3], "y": [2, 4, 7]}, {"name": "noisy_line"},
              {"generate": {"n": 30, "noise": 0.2, "seed": 4, "true": [1, 2]}}):
        config = load(linear(d, batch={"size": 2}))
        again = load(config.to_dict())
        assert again == config and hash(again) == hash(config)
        assert load(config.to_json()) == config
    logistic = load({"surface": {"model": "logistic", "l2": 0.1,
                                 "data": {"x": [[1, 2], [-1, 0.5]], "y": [1, -1]}},
                     "optimizers": [{"name": "Adam"}]})
    assert logistic.to_dict()["surface"] == {"model": "logistic", "l2": 0.1,
                                             "data": {"x": [[1.0, 2.0], [-1.0, 0.5]], "y": [1.0, -1.0]}}


@pytest.mark.parametrize("config, message", [
    (linear({"x": [1, 2], "y": [1]}), "surface.data.x: 2 values for 1 values of y"),
    (linear({"x": [1, "a"], "y": [1, 2]}), "surface.data.x[1]: must be a number, got 'a'"),
    (linear({"x": [1, 2], "y": [1, 1e400]}), "surface.data.y[1]: must be a finite number"),
    (linear({"x": list(range(10_001)), "y": list(range(10_001))}),
     "surface.data.y: 10,001 rows, more than the 10,000 allowed"),
    (linear({"name": "iris"}), "surface.data.name: unknown dataset 'iris'"),
    (linear({"generate": {"n": 0}}), "surface.data.generate.n: must be from 1 to 10000"),
    (linear({"rows": []}), "surface.data: must be"),
    ({"surface": {"model": "logistic", "data": {"x": [[1, 2]], "y": [0]}},
      "optimizers": [{"name": "SGD"}]}, "surface.data.y[0]: a label must be -1 or 1"),
    ({"surface": {"model": "logistic", "data": {"x": [1], "y": [1]}},
      "optimizers": [{"name": "SGD"}]}, "surface.data.x[0]: must be a pair [x1, x2]"),
    ({"surface": {"model": "mlp", "data": {}}, "optimizers": [{"name": "SGD"}]},
     "surface.model: unknown model 'mlp'"),
    (linear({"name": "noisy_line"}, batch={"size": 0}), "batch.size: must be from 1 to 10000"),
    (linear({"name": "noisy_line"}, batch={"size": 64, "drop_last": True}),
     "batch.size: 64 is more than the data's 50 rows and drop_last is true"),
    (linear({"name": "noisy_line"}, batch={"size": 4, "shuffle": "yes"}), "batch.shuffle: must be true or false"),
    ({"surface": "booth", "batch": {"size": 4}, "optimizers": [{"name": "SGD"}]},
     "batch: mini-batches need a model surface"),
])
def test_bad_model_config_names_the_field(config, message):
    with pytest.raises(ConfigError) as err:
        load(config)
    assert str(err.value).startswith(message), str(err.value)


def test_cli_bad_data_exits_2_with_one_error_line():
    out = gradscape("run", "-", stdin=json.dumps(linear({"x": [1, None], "y": [1, 2]})))
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr == "error: surface.data.x[1]: must be a number, got None\n"


def test_basin_and_critical_work_on_a_model_surface(tmp_path):
    path = tmp_path / "c.json"
    path.write_text(json.dumps(linear({"name": "noisy_line"}, steps=50,
                                      optimizers=[{"name": "Adam", "params": {"lr": 0.1}}])))
    out = gradscape("basin", str(path), "--resolution", "10")
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert np.isfinite(np.array(result["final_loss"], dtype=float)).all()


def test_lines_may_each_have_their_own_batch_size():
    config = load(linear({"name": "noisy_line"}, steps=60, batch={"size": 8, "seed": 1},
                         optimizers=[{"name": "SGD", "label": "batch GD", "batch": {"size": 50}},
                                     {"name": "SGD", "label": "mini-batch 8"},
                                     {"name": "SGD", "label": "SGD", "batch": {"size": 1, "seed": 1}}]))
    result = simulate(config)
    gd, mini, single = result.runs
    assert [len(b) for b in result.run_batches(gd)[:2]] == [50, 50]
    assert [len(b) for b in result.run_batches(mini)[:7]] == [8] * 6 + [2]
    assert [len(b) for b in result.run_batches(single)[:3]] == [1, 1, 1]
    # batch GD with a shuffled full batch is plain gradient descent: the same path as no batch
    plain = simulate(load(linear({"name": "noisy_line"}, steps=60)))
    np.testing.assert_allclose(gd.points, plain.runs[0].points, rtol=1e-12)
    # the single-sample line's rows are the first 50 of its DataLoader's permutation order
    assert sorted(sum(result.run_batches(single)[:50], [])) == list(range(50))
    assert load(config.to_dict()) == config
