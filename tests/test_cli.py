"""The CLI contract: JSON out, exit status 2 and one `error:` line for bad input."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def gradscape(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "gradscape", *args], input=stdin,
                          capture_output=True, text=True, timeout=120, cwd=ROOT)


def test_run_prints_the_documented_json():
    config = {"surface": "elliptic", "start": [-7, 2], "steps": 30,
              "optimizers": [{"name": "SGD", "params": {"lr": 0.95}, "label": "plain"},
                             {"name": "Adam", "params": {"lr": 0.3},
                              "scheduler": {"name": "StepLR", "params": {"step_size": 10, "gamma": 0.5}}}]}
    out = gradscape("run", "-", stdin=json.dumps(config))
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["surface"] == "elliptic" and data["start"] == [-7, 2] and data["steps"] == 30
    sgd, adam = data["runs"]
    assert sgd["label"] == "plain" and sgd["optimizer"]["name"] == "SGD"
    assert sgd["optimizer"]["params"]["lr"] == 0.95 and sgd["scheduler"] is None
    assert len(sgd["points"]) == 31 and len(sgd["loss"]) == 31 and len(sgd["grad"]) == 31
    assert len(sgd["lr"]) == 30 and sgd["diverged_at"] is None
    # x ← 0.905·x, y ← −0.9·y each step (by hand)
    assert sgd["points"][1] == pytest.approx([-7 * 0.905, 2 * -0.9], rel=1e-12)
    # StepLR(10, 0.5): lr 0.3 for updates 1–10, 0.15 for 11–20, 0.075 for 21–30
    assert adam["lr"] == pytest.approx([0.3] * 10 + [0.15] * 10 + [0.075] * 10, rel=1e-15)
    assert adam["scheduler"]["name"] == "StepLR"


def test_run_reads_a_file(tmp_path):
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"surface": "booth", "optimizers": [{"name": "Adam"}]}))
    out = gradscape("run", str(path))
    assert out.returncode == 0 and json.loads(out.stdout)["runs"][0]["label"] == "Adam"


@pytest.mark.parametrize("stdin, message", [
    ("{", "error: config: not valid JSON"),
    ('{"surface": "x", "optimizers": [{"name": "SGD"}]}', "error: surface: unknown surface 'x'"),
    ('{"surface": "elliptic", "optimizers": [{"name": "SGD", "params": {"lr": -1}}]}',
     "error: optimizers[0].params: Invalid learning rate: -1.0"),
    ('{"surface": "elliptic", "optimizers": [{"name": "SGD", "params": {"momentum": 0.5, "nesterov": true, '
     '"dampening": 0.1}}]}', "error: optimizers[0].params: Nesterov momentum requires"),
])
def test_bad_input_exits_2_with_one_error_line(stdin, message):
    out = gradscape("run", "-", stdin=stdin)
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.startswith(message) and out.stderr.count("\n") == 1, out.stderr


def test_missing_file_and_bad_usage_exit_2():
    for args in (("run", "/no/such/file.json"), ("frobnicate",), ("list", "bogus")):
        out = gradscape(*args)
        assert out.returncode == 2 and out.stderr.startswith("error: ") and out.stderr.count("\n") == 1


def test_list_shows_everything_with_defaults():
    out = gradscape("list", "--json")
    data = json.loads(out.stdout)
    assert "elliptic" in [s["id"] for s in data["surfaces"]]
    adam = next(o for o in data["optimizers"] if o["name"] == "Adam")
    assert {p["name"]: p["default"] for p in adam["params"]}["betas"] == [0.9, 0.999]
    assert "StepLR" in [s["name"] for s in data["schedulers"]]
    text = gradscape("list", "optimizers").stdout
    assert "SGD" in text and "lr=" in text


def test_cli_does_not_import_streamlit():
    code = "import sys; from gradscape import cli; cli.main(['list', 'schedulers']); assert 'streamlit' not in sys.modules"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr


GOLDEN = ROOT / "tests" / "golden" / "cli"
CASES = json.loads((GOLDEN / "cases.json").read_text())


@pytest.mark.parametrize("name", sorted(CASES))
def test_output_is_byte_for_byte_what_it_was(name):
    """The outputs recorded before the page was rebuilt (commit 8a9dabd): stdout, stderr and
    status of run (with noise, a scheduler, Newton, divergence), basin, sweep and critical."""
    case = CASES[name]
    out = subprocess.run([sys.executable, "-m", "gradscape", *case["args"]], capture_output=True,
                         timeout=120, cwd=GOLDEN)
    assert out.returncode == case["status"]
    assert out.stdout == (GOLDEN / f"{name}.out").read_bytes()
    assert out.stderr == (GOLDEN / f"{name}.err").read_bytes()
