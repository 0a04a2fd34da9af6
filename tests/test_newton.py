"""Newton's method (a reference, not torch.optim) against steps worked out by hand.

θ ← θ − lr·(H + λI)⁻¹·∇f. On x²/20 + y², H = diag(0.1, 2); on Booth (x + 2y − 7)² + (2x + y − 5)²,
H = [[10, 8], [8, 10]] everywhere and the minimum is (1, 3).
"""
from dataclasses import replace

import numpy as np
import pytest

import optimizers
import surfaces
from optimizers import OPTIMIZERS, REFERENCE, make
from optimizers.newton import Newton
from optimizers.runner import run
from conftest import assert_same_run

ELLIPTIC, BOOTH = surfaces.get("elliptic"), surfaces.get("booth")


def first_step(surface, params, start):
    return run(surface, make("Newton", params), [start], 1).points[0, 1]


def test_one_step_lands_on_the_minimum_of_a_quadratic():
    # x²/20 + y² from (−7, 2): g = (−0.7, 4), H⁻¹g = (−0.7/0.1, 4/2) = (−7, 2): θ₁ = (0, 0).
    np.testing.assert_allclose(first_step(ELLIPTIC, {}, (-7.0, 2.0)), [0.0, 0.0], atol=1e-15)
    # Booth from (−7, 2): x + 2y − 7 = −10, 2x + y − 5 = −17, so g = (2·−10 + 4·−17, 4·−10 + 2·−17)
    # = (−88, −74); H⁻¹ = [[10, −8], [−8, 10]]/36: H⁻¹g = (−288, −36)/36 = (−8, −1): θ₁ = (1, 3).
    np.testing.assert_allclose(first_step(BOOTH, {}, (-7.0, 2.0)), [1.0, 3.0], rtol=1e-15)


def test_damped_steps_by_hand():
    # λ = 1, lr = 0.5 on x²/20 + y²: (H + I)⁻¹g = (−0.7/1.1, 4/3); θ₁ = (−7 + 0.35/1.1, 2 − 2/3).
    np.testing.assert_allclose(first_step(ELLIPTIC, {"lr": 0.5, "damping": 1.0}, (-7.0, 2.0)),
                               [-7 + 0.35 / 1.1, 2 - 2 / 3], rtol=1e-15)
    # λ = 2 on Booth: H + 2I = [[12, 8], [8, 12]], det 80; (H + 2I)⁻¹g = (12·−88 − 8·−74,
    # −8·−88 + 12·−74)/80 = (−464, −184)/80 = (−5.8, −2.3): θ₁ = (−1.2, 4.3).
    np.testing.assert_allclose(first_step(BOOTH, {"damping": 2.0}, (-7.0, 2.0)), [-1.2, 4.3],
                               rtol=1e-14)


def test_rosenbrock_converges_to_its_minimum():
    paths = run(surfaces.get("rosenbrock"), make("Newton"), [(-1.5, 2.0), (-1.2, 1.0), (0.5, -0.5)], 30)
    np.testing.assert_allclose(paths.points[:, -1], [[1.0, 1.0]] * 3, atol=1e-12)
    assert (paths.diverged_at == -1).all()


def test_attracted_to_saddles_and_maxima():
    # x² − y²: H = diag(2, −2), so H⁻¹g = (x, y): one step to the saddle (0, 0), which is no minimum.
    np.testing.assert_allclose(first_step(surfaces.get("saddle"), {}, (-1.5, 0.05)), [0, 0], atol=1e-15)
    # Himmelblau's local maximum f = 181.617 at (−0.270845, −0.923039) (published): Newton from
    # nearby climbs to it.
    end = run(surfaces.get("himmelblau"), make("Newton"), [(-0.2, -0.8)], 30).points[0, -1]
    np.testing.assert_allclose(end, [-0.270845, -0.923039], atol=1e-6)


def test_singular_hessian_falls_back_to_a_gradient_step():
    plane = surfaces.from_formula("x + 2*y")          # H = 0 everywhere, g = (1, 2)
    np.testing.assert_array_equal(first_step(plane, {"lr": 0.5}, (0.25, -1.0)), [-0.25, -2.0])
    # With damping, H + λI = λI is regular: the step is lr·g/λ.
    np.testing.assert_array_equal(first_step(plane, {"damping": 4.0}, (0.25, -1.0)), [0.0, -1.5])
    # The monkey saddle's H = 0 at (0, 0), where also g = 0: the run stays put, without a warning.
    paths = run(surfaces.get("monkey_saddle"), make("Newton"), [(0.0, 0.0)], 3)
    np.testing.assert_array_equal(paths.points[0], np.zeros((4, 2)))


def test_undefined_hessian_falls_back_too():
    theta = np.array([[1.0, 2.0], [1.0, 2.0]])
    opt = make("Newton", {"lr": 0.1})
    new, state = opt.step(opt.init(theta), theta, np.array([[1.0, 1.0], [1.0, 1.0]]), 0.1,
                          hessian=(np.array([np.nan, 2.0]), np.array([0.0, 0.0]), np.array([1.0, 1.0])))
    np.testing.assert_allclose(new, [[0.9, 1.9], [0.95, 1.9]], rtol=1e-15)
    np.testing.assert_array_equal(state.preconditioner[0], [1.0, 0.0, 1.0])


def test_batch_and_sweeps_equal_separate_runs():
    himmelblau = surfaces.get("himmelblau")
    starts = [(-1.0, 1.0), (2.0, 2.5), (-4.0, -4.0), (4.0, -1.0)]
    opt = make("Newton", {"lr": 0.7, "damping": 1.0})
    batch = run(himmelblau, opt, starts, 25)
    for i, s in enumerate(starts):
        np.testing.assert_array_equal(batch.points[i], run(himmelblau, opt, [s], 25).points[0])
    damping = np.array([0.0, 1.0, 10.0])
    swept = run(himmelblau, make("Newton", {"lr": 0.5, "damping": damping}), [(1.0, 1.0)], 25)
    for i, lam in enumerate(damping):
        alone = run(himmelblau, make("Newton", {"lr": 0.5, "damping": float(lam)}), [(1.0, 1.0)], 25)
        assert_same_run(swept.points[i], alone.points[0])
    lrs = np.array([0.1, 1.0])
    swept = run(himmelblau, make("Newton", {"lr": lrs}), [(1.0, 1.0)], 10, paths=False)
    for i, lr in enumerate(lrs):
        alone = run(himmelblau, make("Newton", {"lr": float(lr)}), [(1.0, 1.0)], 10, paths=False)
        np.testing.assert_allclose(swept.point[i], alone.point[0], rtol=1e-14)


def test_registered_as_a_reference_not_as_torch():
    assert "Newton" not in OPTIMIZERS and REFERENCE["Newton"] is Newton
    assert optimizers.ALL_OPTIMIZERS == {**OPTIMIZERS, **REFERENCE}
    assert Newton.reference and Newton.needs_hessian and "torch.optim" in Newton.summary
    assert not any(getattr(cls, "reference", False) for cls in OPTIMIZERS.values())
    assert make("Newton").params == {"lr": 1.0, "damping": 0.0}
    with pytest.raises(ValueError, match=r"^Invalid damping value: -1\.0$"):
        make("Newton", {"damping": -1})
    with pytest.raises(ValueError, match=r"^Invalid learning rate: -0\.5$"):
        make("Newton", {"lr": -0.5})
    with pytest.raises(ValueError, match="needs the Hessian"):
        opt = make("Newton")
        opt.step(opt.init([[0.0, 0.0]]), np.zeros((1, 2)), np.zeros((1, 2)), 1.0)


def test_the_hessian_costs_nothing_to_the_others():
    def boom(x, y):
        raise AssertionError("the Hessian was evaluated for an optimizer that does not need it")

    quiet = replace(ELLIPTIC, hessian=boom)
    for name in OPTIMIZERS:
        run(quiet, make(name), [(-7.0, 2.0)], 3)
        run(quiet, make(name), [(-7.0, 2.0)], 3, paths=False)
    with pytest.raises(AssertionError, match="was evaluated"):
        run(quiet, make("Newton"), [(-7.0, 2.0)], 1)
