"""Datasets for the model surfaces, and the mini-batches PyTorch's DataLoader draws from them.

A dataset is a frozen record of plain tuples (hashable: it lives inside the experiment's
Config). ``x`` is one number per row for ``linear`` and ``tanh_unit``, a pair (x₁, x₂) per
row for ``logistic``; ``y`` one number per row (for ``logistic`` a label −1 or +1).

Where a dataset comes from (the config's ``"data"``):

- ``{"x": [...], "y": [...]}`` inline (also what an uploaded CSV becomes: `parse_csv`);
- ``{"name": "noisy_line"}``: a dataset shipped in ``surfaces/datasets/`` (`SHIPPED`);
- ``{"generate": {"n": 100, "noise": 0.5, "seed": 0, "true": [w, b]}}``: `generate`.

Every way in is checked the same way (`check`): at most `MAX_ROWS` rows, finite numbers,
labels ±1; a bad value raises `DataError` naming it (``x[3]: must be a finite number``).

Mini-batches (`loader_batches`) are the row indices ``torch.utils.data.DataLoader(dataset,
batch_size, shuffle, drop_last, generator=torch.Generator().manual_seed(seed))`` yields, epoch
after epoch, reproduced exactly in NumPy (torch's CPU generator is MT19937; see `_TorchGenerator`).
"""
from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

Array = np.ndarray

MODELS = ("linear", "logistic", "tanh_unit")
MAX_ROWS = 10_000
MAX_CSV_BYTES = 2_000_000
MAX_TRUE = 1e3          # |true parameter| of a generated dataset
MAX_NOISE = 1e3
MAX_VALUE = 1e6         # |x| and |y| of any row
DATASETS_DIR = Path(__file__).resolve().parent / "datasets"


class DataError(ValueError):
    """Data that cannot be used; the message starts with what is wrong (``x[3]: ...``)."""


@dataclass(frozen=True)
class Dataset:
    """Rows of a model's data: ``x`` (n,) numbers or (n,) pairs, ``y`` (n,) numbers."""

    x: tuple
    y: tuple

    @property
    def n(self) -> int:
        return len(self.y)

    def arrays(self) -> tuple[Array, Array]:
        """``x`` as (n,) or (n, 2) float64, ``y`` as (n,) float64 (new arrays)."""
        return np.array(self.x, dtype=float), np.array(self.y, dtype=float)

    def to_dict(self) -> dict[str, Any]:
        return {"x": [list(p) if isinstance(p, tuple) else p for p in self.x], "y": list(self.y)}


def columns(model: str) -> tuple[str, ...]:
    """The CSV columns a model reads: (x, y), or (x1, x2, y) for ``logistic``."""
    return ("x1", "x2", "y") if model == "logistic" else ("x", "y")


def check(x: Any, y: Any, model: str) -> Dataset:
    """``x`` and ``y`` (lists as JSON gives them) as a Dataset for ``model``, or a DataError.

    Rules: 1 to `MAX_ROWS` rows, as many x as y; every number finite and within ±`MAX_VALUE`
    (not a bool, not text); for ``logistic`` each x a pair [x₁, x₂] and each y −1 or +1.
    """
    for where, value in (("x", x), ("y", y)):
        if not isinstance(value, (list, tuple)):
            raise DataError(f"{where}: must be a list of numbers")
    if not y:
        raise DataError("y: no rows; give at least one")
    if len(y) > MAX_ROWS:
        raise DataError(f"y: {len(y):,} rows, more than the {MAX_ROWS:,} allowed")
    if len(x) != len(y):
        raise DataError(f"x: {len(x)} values for {len(y)} values of y; give one per row")
    pairs = model == "logistic"
    xs = tuple(_pair(v, f"x[{i}]") if pairs else _number(v, f"x[{i}]") for i, v in enumerate(x))
    ys = tuple(_number(v, f"y[{i}]") for i, v in enumerate(y))
    if pairs:
        for i, v in enumerate(ys):
            if v not in (-1.0, 1.0):
                raise DataError(f"y[{i}]: a label must be -1 or 1, got {v:g}")
    return Dataset(xs, ys)


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise DataError(f"{where}: must be a number, got {value!r:.40}")
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number) or abs(number) > MAX_VALUE:
        raise DataError(f"{where}: must be a finite number from {-MAX_VALUE:g} to {MAX_VALUE:g}, "
                        f"got {number:g}")
    return number


def _pair(value: Any, where: str) -> tuple[float, float]:
    if not isinstance(value, (list, tuple)) or len(value) != 2:
        raise DataError(f"{where}: must be a pair [x1, x2], got {value!r:.40}")
    return _number(value[0], f"{where}[0]"), _number(value[1], f"{where}[1]")


# --- uploaded CSV --------------------------------------------------------------------------

def parse_csv(text: str | bytes, model: str) -> Dataset:
    """A CSV file with a header row as a Dataset for ``model``, or a DataError saying why not.

    The header must name the model's `columns` (in any order; other columns are ignored);
    every cell of those columns must be a finite number (``nan``, ``inf`` and text are
    errors that name the row and column, rows counted from 1 after the header).
    """
    if isinstance(text, bytes):
        if len(text) > MAX_CSV_BYTES:
            raise DataError(f"file: {len(text):,} bytes, more than the {MAX_CSV_BYTES:,} allowed")
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise DataError("file: not UTF-8 text; save it as CSV (UTF-8)") from None
    if len(text) > MAX_CSV_BYTES:
        raise DataError(f"file: more than the {MAX_CSV_BYTES:,} characters allowed")
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        raise DataError(f"file: not a CSV file ({exc})") from None
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if not rows:
        raise DataError("file: empty; the first line must name the columns, e.g. "
                        f"{','.join(columns(model))}")
    header = [h.strip() for h in rows[0]]
    wanted = columns(model)
    missing = [c for c in wanted if c not in header]
    if missing:
        raise DataError(f"columns: no column '{missing[0]}'; a {model} dataset needs "
                        f"{', '.join(wanted)} (found: {', '.join(header)[:80] or 'none'})")
    body = rows[1:]
    if len(body) > MAX_ROWS:
        raise DataError(f"rows: {len(body):,} rows, more than the {MAX_ROWS:,} allowed")
    at = {c: header.index(c) for c in wanted}
    table = {c: [_cell(r, at[c], i + 1, c) for i, r in enumerate(body)] for c in wanted}
    x = list(zip(table["x1"], table["x2"])) if model == "logistic" else table["x"]
    try:
        return check(x, table["y"], model)
    except DataError as exc:   # the row-level rules (labels) in the file's own terms
        raise DataError(_in_file_terms(str(exc))) from None


def _cell(row: list[str], index: int, number: int, column: str) -> float:
    where = f"row {number}, column '{column}'"
    if index >= len(row) or not row[index].strip():
        raise DataError(f"{where}: empty")
    cell = row[index].strip()
    try:
        value = float(cell)
    except ValueError:
        raise DataError(f"{where}: '{cell[:20]}' is not a number") from None
    if not math.isfinite(value):
        raise DataError(f"{where}: {cell[:20]} is not allowed (finite numbers only)")
    if abs(value) > MAX_VALUE:
        raise DataError(f"{where}: {value:g} is beyond ±{MAX_VALUE:g}")
    return value


def _in_file_terms(message: str) -> str:
    """``y[4]: ...`` from `check` as ``row 5, column 'y': ...``."""
    head, _, rest = message.partition(": ")
    if head.startswith("y[") and head.endswith("]"):
        return f"row {int(head[2:-1]) + 1}, column 'y': {rest}"
    return message


# --- shipped datasets ----------------------------------------------------------------------

@dataclass(frozen=True)
class Shipped:
    """A dataset in ``surfaces/datasets/``: its file, the models it suits, where it comes from."""

    name: str
    file: str
    models: tuple[str, ...]
    title: str
    source: str
    licence: str = "CC0 1.0 (public domain dedication)"


SHIPPED: dict[str, Shipped] = {s.name: s for s in (
    Shipped("noisy_line", "noisy_line.csv", ("linear", "tanh_unit"),
            "A noisy line: 50 points around y = 1.5·x + 0.5 (regression)",
            "Synthetic: made by scripts/make_datasets.py (NumPy default_rng(2024), no real "
            "measurements)."),
    Shipped("two_clouds", "two_clouds.csv", ("logistic",),
            "Two overlapping clouds: 80 points labelled ±1 (classification)",
            "Synthetic: made by scripts/make_datasets.py (NumPy default_rng(2025), no real "
            "measurements)."),
)}


def shipped(name: str, model: str) -> Dataset:
    """The shipped dataset ``name`` for ``model``, or a DataError naming the known ones."""
    if name not in SHIPPED:
        raise DataError(f"name: unknown dataset '{str(name)[:40]}'; known: {', '.join(SHIPPED)}")
    if model not in SHIPPED[name].models:
        raise DataError(f"name: '{name}' is for {' or '.join(SHIPPED[name].models)}, not {model}")
    return _read_shipped(name, model)


def _read_shipped(name: str, model: str) -> Dataset:
    return parse_csv((DATASETS_DIR / SHIPPED[name].file).read_text(encoding="utf-8"), model)


# --- generated datasets --------------------------------------------------------------------

GENERATE_DEFAULTS: dict[str, dict[str, Any]] = {
    "linear": {"n": 100, "noise": 0.5, "seed": 0, "true": (1.5, 0.5)},
    "logistic": {"n": 100, "noise": 1.0, "seed": 0, "true": (1.5, -1.0)},
    "tanh_unit": {"n": 100, "noise": 0.1, "seed": 0, "true": (1.0, 2.0)},
}


def generate(model: str, n: int, noise: float, seed: int, true: tuple[float, float]) -> Dataset:
    """A dataset drawn from ``numpy.random.default_rng(seed)``, in this order:

    - ``linear``:    x ~ U(−2, 2) (n draws), ε ~ N(0, 1) (n draws), y = w·x + b + noise·ε,
      with (w, b) = ``true``;
    - ``tanh_unit``: x ~ U(−2, 2), ε ~ N(0, 1), y = a·tanh(w·x) + noise·ε, (a, w) = ``true``;
    - ``logistic``:  x ~ N(0, I₂) (an (n, 2) draw), ε ~ N(0, 1), y = +1 where
      w₁x₁ + w₂x₂ + noise·ε ≥ 0, else −1, (w₁, w₂) = ``true`` (noise flips labels near the
      boundary: noise 0 gives separable data, whose logistic loss has no minimum without l2).
    """
    rng = np.random.default_rng(seed)
    p, q = true
    if model == "logistic":
        x = rng.standard_normal((n, 2))
        eps = rng.standard_normal(n)
        y = np.where(p * x[:, 0] + q * x[:, 1] + noise * eps >= 0, 1.0, -1.0)
        return Dataset(tuple(map(tuple, x.tolist())), tuple(y.tolist()))
    x = rng.uniform(-2.0, 2.0, n)
    eps = rng.standard_normal(n)
    y = (p * x + q if model == "linear" else p * np.tanh(q * x)) + noise * eps
    return Dataset(tuple(x.tolist()), tuple(y.tolist()))


# --- where a dataset comes from, as the config says it -------------------------------------

@dataclass(frozen=True)
class Inline:
    """Rows given in the config (or uploaded)."""

    dataset: Dataset

    def resolve(self, model: str) -> Dataset:
        return self.dataset

    def to_dict(self) -> dict[str, Any]:
        return self.dataset.to_dict()


@dataclass(frozen=True)
class Named:
    """A shipped dataset, by name."""

    name: str

    def resolve(self, model: str) -> Dataset:
        return shipped(self.name, model)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name}


@dataclass(frozen=True)
class Generated:
    """A dataset drawn by `generate`."""

    n: int
    noise: float
    seed: int
    true: tuple[float, float]

    def resolve(self, model: str) -> Dataset:
        return generate(model, self.n, self.noise, self.seed, self.true)

    def to_dict(self) -> dict[str, Any]:
        return {"generate": {"n": self.n, "noise": self.noise, "seed": self.seed,
                             "true": list(self.true)}}


Source = Inline | Named | Generated


def parse_source(value: Any, model: str) -> Source:
    """The config's ``data`` (a JSON object) as a Source; DataError names the bad field."""
    if not isinstance(value, dict):
        raise DataError('must be {"x": [...], "y": [...]}, {"name": "..."} or {"generate": {...}}')
    keys = set(value)
    if keys == {"x", "y"}:
        return Inline(check(value["x"], value["y"], model))
    if keys == {"name"}:
        shipped(value["name"], model)      # a clear error now, not at run time
        return Named(value["name"])
    if keys == {"generate"}:
        return _generated(value["generate"], model)
    raise DataError('must be {"x": [...], "y": [...]}, {"name": "..."} or {"generate": {...}}; '
                    f"got the keys {', '.join(sorted(map(str, keys)))[:60] or 'none'}")


def _generated(value: Any, model: str) -> Generated:
    if value is None:
        value = {}
    if not isinstance(value, dict) or set(value) - {"n", "noise", "seed", "true"}:
        raise DataError('generate: must be {"n": rows, "noise": std, "seed": integer, '
                        '"true": [p, q]}')
    given = {**GENERATE_DEFAULTS[model], **value}
    n = _integer(given["n"], "generate.n", 1, MAX_ROWS)
    seed = _integer(given["seed"], "generate.seed", 0, 2**32 - 1)
    noise = _number(given["noise"], "generate.noise")
    if not 0 <= noise <= MAX_NOISE:
        raise DataError(f"generate.noise: must be from 0 to {MAX_NOISE:g}, got {noise:g}")
    true = given["true"]
    if not isinstance(true, (list, tuple)) or len(true) != 2:
        raise DataError("generate.true: must be a pair of numbers [p, q]")
    pq = (_number(true[0], "generate.true[0]"), _number(true[1], "generate.true[1]"))
    if max(map(abs, pq)) > MAX_TRUE:
        raise DataError(f"generate.true: each must be within ±{MAX_TRUE:g}")
    return Generated(n, noise, seed, pq)


def _integer(value: Any, where: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)) \
            or (isinstance(value, float) and not value.is_integer()):
        raise DataError(f"{where}: must be an integer, got {value!r:.40}")
    if not low <= value <= high:
        raise DataError(f"{where}: must be from {low} to {high}, got {value!r:.40}")
    return int(value)


# --- mini-batches as torch's DataLoader draws them -----------------------------------------

@dataclass(frozen=True)
class Batching:
    """``DataLoader(batch_size=size, shuffle=shuffle, drop_last=drop_last, generator=g)``
    with ``g = torch.Generator(); g.manual_seed(seed)``."""

    size: int
    shuffle: bool = True
    seed: int = 0
    drop_last: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"size": self.size, "shuffle": self.shuffle, "seed": self.seed,
                "drop_last": self.drop_last}

    def per_epoch(self, n: int) -> int:
        """Batches in one epoch over n rows: ⌊n/size⌋ with drop_last, else ⌈n/size⌉."""
        return n // self.size if self.drop_last else -(-n // self.size)


def loader_batches(n: int, batching: Batching, steps: int) -> list[Array]:
    """The row indices of the first ``steps`` batches a DataLoader yields over ``n`` rows,
    epoch after epoch (a new epoch starts a new ``iter(loader)``, as a training loop does).

    Per epoch the loader draws, from its generator, in this order (torch 2.x's
    ``_BaseDataLoaderIter`` and ``RandomSampler``): a 64-bit base seed for workers (two 32-bit
    words, unused here), ``randperm(n)`` (the epoch's order), and, when the sampler runs out,
    one more ``randperm(n)`` whose first ``n mod n = 0`` entries it yields (drawn and unused).
    ``randperm`` on the CPU is Fisher–Yates: for i = 0..n−2, swap r[i] and r[i + z] with
    z = (next 32-bit word) mod (n − i). Without shuffle the order is 0..n−1 every epoch.
    Each epoch is cut into batches of ``size``; the last, shorter one is dropped with drop_last.
    """
    if batching.per_epoch(n) == 0:
        raise DataError(f"size: {batching.size} is more than the {n} rows and drop_last is true: "
                        "no batch at all")
    gen = _TorchGenerator(batching.seed) if batching.shuffle else None
    out: list[Array] = []
    while len(out) < steps:
        if gen is None:
            order = np.arange(n)
        else:
            gen.words(2)                 # the iterator's base seed (random_ of an int64)
            order = gen.randperm(n)
            gen.randperm(n)              # the sampler's tail: randperm(n)[:0], drawn at exhaustion
        cuts = range(0, n - batching.size + 1 if batching.drop_last else n, batching.size)
        out.extend(order[i:i + batching.size] for i in cuts)
    return out[:steps]


class _TorchGenerator:
    """torch.Generator() after ``manual_seed(seed)`` on the CPU: MT19937 seeded with
    init_genrand(seed mod 2³²), which is NumPy's legacy ``RandomState(seed)`` seeding."""

    def __init__(self, seed: int):
        self._bits = np.random.MT19937()
        self._bits.state = np.random.RandomState(seed % 2**32).get_state(legacy=False)

    def words(self, count: int) -> Array:
        """The next ``count`` 32-bit outputs, as int64."""
        return self._bits.random_raw(count).astype(np.int64)

    def randperm(self, n: int) -> Array:
        """``torch.randperm(n, generator=g)`` (CPU, n < 2³²/20): Fisher–Yates as above."""
        r = np.arange(n)
        if n < 2:
            return r
        z = self.words(n - 1) % np.arange(n, 1, -1) + np.arange(n - 1)
        for i, j in enumerate(z.tolist()):
            r[i], r[j] = r[j], r[i]
        return r
