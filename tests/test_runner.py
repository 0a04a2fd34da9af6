"""The batched runner, against closed forms of SGD on x²/20 + y² worked out by hand.

SGD with lr η on f = x²/20 + y² multiplies x by (1 − η/10) and y by (1 − 2η) each step.
"""
import numpy as np
import pytest

import optimizers
import surfaces
from optimizers.runner import MAX_STEPS, Finals, Paths, run, run_many

ELLIPTIC = surfaces.get("elliptic")


def closed_form(start, lr, steps):
    k = np.arange(steps + 1)[:, None]
    return np.array(start) * np.array([1 - lr / 10, 1 - 2 * lr]) ** k


def test_sgd_path_matches_closed_form_with_loss_grad_and_lr():
    paths = run(ELLIPTIC, optimizers.make("SGD", {"lr": 0.95}), [(-7.0, 2.0)], 30)
    assert isinstance(paths, Paths)
    expected = closed_form((-7.0, 2.0), 0.95, 30)
    np.testing.assert_allclose(paths.points[0], expected, rtol=1e-12)
    x, y = expected.T
    np.testing.assert_allclose(paths.loss[0], x**2 / 20 + y**2, rtol=1e-12)
    np.testing.assert_allclose(paths.grad[0], np.column_stack([x / 10, 2 * y]), rtol=1e-12)
    assert np.all(paths.lr[0] == 0.95) and paths.lr.shape == (1, 30)
    assert paths.diverged_at[0] == -1
    one = paths.run(0)
    assert one["diverged_at"] is None and len(one["points"]) == 31 and len(one["lr"]) == 30


def test_divergence_stops_at_first_non_finite_point_by_hand():
    # lr = 1.5: y_k = 2·(−2)^k, so y_k² = 2^(2k+2) first overflows float64 (max < 2^1024) at k = 511.
    paths = run(ELLIPTIC, optimizers.make("SGD", {"lr": 1.5}), [(0.0, 2.0)], 600)
    assert paths.diverged_at[0] == 511
    one = paths.run(0)
    assert one["diverged_at"] == 511 and len(one["points"]) == 511 and len(one["lr"]) == 511
    assert one["points"][-1][1] == 2.0 * (-2.0) ** 510
    assert np.isfinite(one["loss"]).all() and np.isfinite(one["grad"]).all()


def test_batch_equals_runs_one_at_a_time():
    starts = np.array([(-7.0, 2.0), (3.0, -4.0), (9.0, 1.0)])
    opt = optimizers.make("Adam", {"lr": 0.3})
    batch = run(ELLIPTIC, opt, starts, 50)
    for i, s in enumerate(starts):
        single = run(ELLIPTIC, opt, [s], 50)
        np.testing.assert_array_equal(batch.points[i], single.points[0])


def test_a_learning_rate_sweep_is_one_batched_call():
    lrs = np.array([0.1, 0.5, 0.95])
    swept = run(ELLIPTIC, optimizers.make("SGD", {"lr": lrs}), [(-7.0, 2.0)], 20)
    assert swept.points.shape == (3, 21, 2)
    for i, lr in enumerate(lrs):
        np.testing.assert_allclose(swept.points[i], closed_form((-7.0, 2.0), lr, 20), rtol=1e-12)


def test_one_run_diverging_leaves_the_others_alone():
    lrs = np.array([0.5, 1.5])
    swept = run(ELLIPTIC, optimizers.make("SGD", {"lr": lrs}), [(0.0, 2.0)], 600)
    assert list(swept.diverged_at) == [-1, 511]
    np.testing.assert_allclose(swept.points[0], closed_form((0.0, 2.0), 0.5, 600), rtol=1e-12, atol=1e-300)


def test_start_where_f_is_undefined_diverges_at_zero():
    paths = run(ELLIPTIC, optimizers.make("SGD", {"lr": 0.1}), [(np.nan, 1.0)], 5)
    assert paths.diverged_at[0] == 0 and paths.run(0)["points"].shape == (0, 2)


def test_gradient_noise_is_seeded_and_reproducible():
    opt = optimizers.make("SGD", {"lr": 0.1})
    a = run(ELLIPTIC, opt, [(-7.0, 2.0)], 30, noise_std=0.5, seed=1)
    b = run(ELLIPTIC, opt, [(-7.0, 2.0)], 30, noise_std=0.5, seed=1)
    c = run(ELLIPTIC, opt, [(-7.0, 2.0)], 30, noise_std=0.5, seed=2)
    np.testing.assert_array_equal(a.points, b.points)
    assert not np.allclose(a.points, c.points)
    # the first step by hand: θ1 = θ0 − lr·(∇f(θ0) + 0.5·ξ0), ξ0 the generator's first draws
    xi = np.random.default_rng(1).standard_normal((1, 2))[0]
    expected = np.array([-7.0, 2.0]) - 0.1 * (np.array([-0.7, 4.0]) + 0.5 * xi)
    np.testing.assert_allclose(a.points[0, 1], expected, rtol=1e-14)
    # the recorded gradient is the true one
    np.testing.assert_allclose(a.grad[0, 0], [-0.7, 4.0])


def test_lines_in_lockstep_are_each_the_run_alone():
    """run_many: one surface evaluation per step for all lines; nothing of one line reaches another
    (noise, divergence, a scheduler, a sweep, Newton's Hessian)."""
    rosenbrock = surfaces.get("rosenbrock")
    lines = [(optimizers.make("SGD", {"lr": 0.002, "momentum": 0.9}), None),
             (optimizers.make("Adam", {"lr": 0.05}), optimizers.make_scheduler("StepLR", {"step_size": 20})),
             (optimizers.make("SGD", {"lr": 0.5}), None),                            # diverges
             (optimizers.make("Adagrad", {"lr": np.array([0.1, 0.5, 1.0])}), None),  # a sweep of 3
             (optimizers.REFERENCE["Newton"](), None)]
    together = run_many(rosenbrock, lines, [(-1.5, 2.0)], 80, noise_std=0.3, seed=7)
    assert [p.points.shape[0] for p in together] == [1, 1, 1, 3, 1]
    assert together[2].diverged_at[0] > 0 and together[0].diverged_at[0] == -1
    for (optimizer, scheduler), paths in zip(lines, together):
        alone = run(rosenbrock, optimizer, [(-1.5, 2.0)], 80, scheduler, noise_std=0.3, seed=7)
        for field in ("points", "loss", "grad", "lr", "diverged_at"):
            np.testing.assert_array_equal(getattr(paths, field), getattr(alone, field))


def test_final_mode_keeps_last_point_and_convergence_step():
    starts = np.array([(-7.0, 2.0), (1.0, 1.0)])
    finals = run(ELLIPTIC, optimizers.make("SGD", {"lr": 0.95}), starts, 300, paths=False, gtol=1e-6)
    assert isinstance(finals, Finals)
    for i, s in enumerate(starts):
        path = closed_form(tuple(s), 0.95, 300)
        np.testing.assert_allclose(finals.point[i], path[-1], rtol=1e-12)
        norms = np.hypot(path[:, 0] / 10, 2 * path[:, 1])
        assert finals.converged_step[i] == np.argmax(norms <= 1e-6)


def test_bounds_give_clear_messages():
    opt = optimizers.make("SGD", {"lr": 0.1})
    with pytest.raises(ValueError, match="steps must be an integer"):
        run(ELLIPTIC, opt, [(0.0, 1.0)], MAX_STEPS + 1)
    with pytest.raises(ValueError, match="too many points"):
        run(ELLIPTIC, opt, np.zeros((100_000, 2)), 1000)
    with pytest.raises(ValueError, match="more than the 100,000,000 one call may run"):
        run(ELLIPTIC, opt, np.zeros((20_000, 2)), 10_000, paths=False)
    with pytest.raises(ValueError, match="noise std"):
        run(ELLIPTIC, opt, [(0.0, 1.0)], 5, noise_std=-1.0)
