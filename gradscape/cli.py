"""The command line: the same experiments as the app, as JSON in and out.

    gradscape run CONFIG            run a config (a path, or - for stdin); print the results as JSON
    gradscape render CONFIG -o FILE draw a config (or --preset NAME) as .png, .svg, .pdf or .html,
                                    or with --animate as .gif or .mp4 [--fps N] [--size WxH]
    gradscape list [WHAT] [--json]  list surfaces, optimizers or schedulers with their defaults
    gradscape basin CONFIG          where runs from an N x N grid of starts end (JSON or a figure)
    gradscape sweep CONFIG --x AXIS --y AXIS   final loss over two hyperparameters
    gradscape critical SURFACE      minima, maxima and saddles (or --expr FORMULA)

Invalid input exits with status 2 and one line ``error: ...`` on stderr. This module must not
import streamlit (start-up time).
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any, Sequence

import optimizers
import surfaces
from gradscape.experiment import ConfigError, load, resolve_surface, simulate
from gradscape.i18n import LANGUAGES, set_language

SLIDE_SIZES = ("own", "16:9", "4:3", "square")     # figures.look.SIZES (plotly loads only to draw)


class UsageError(Exception):
    """Bad command-line input: reported as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, not argparse's usage dump
        raise UsageError(message)


def main(argv: Sequence[str] | None = None) -> int:
    parser = _build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
            return 2
        if getattr(args, "lang", "en") != "en":
            set_language(args.lang)
            from gradscape.figures.export import has_cjk_font
            if not has_cjk_font():
                print("warning: no Chinese font is installed (Debian: apt-get install fonts-noto-cjk); "
                      "the figure's Chinese text will show as boxes", file=sys.stderr)
        return args.handler(args)
    except (UsageError, ConfigError, ValueError) as exc:
        print(f"error: {exc}".splitlines()[0], file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="gradscape", description="See how gradient-based optimizers move.")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    p = sub.add_parser("run", help="run a config and print the trajectories as JSON")
    p.add_argument("config", help="path to a JSON config, or - for stdin")
    p.set_defaults(handler=_run)

    p = sub.add_parser("render", help="draw a config or preset as a PNG, SVG, PDF or HTML figure, "
                                      "or (--animate) as an animated GIF or MP4")
    p.add_argument("config", nargs="?", help="path to a JSON config, or - for stdin")
    p.add_argument("--preset", help="a named experiment instead of a config (see presets.py)")
    p.add_argument("-o", "--output", required=True,
                   help="file to write: .png, .svg, .pdf or .html; with --animate .gif or .mp4")
    p.add_argument("--overlay", action="store_true", help="all runs in one panel")
    p.add_argument("--width", type=int, help="width in pixels (default 1100)")
    p.add_argument("--height", type=int, help="height in pixels (default: from the number of panels)")
    p.add_argument("--size", metavar="WxH", help="width and height at once, e.g. 1280x720")
    p.add_argument("--slide", choices=[s for s in SLIDE_SIZES if s != "own"],
                   help="a slide's size: 16:9 (1920x1080), 4:3 (1440x1080) or square (1080x1080)")
    p.add_argument("--font-scale", type=float, default=1.0, help="every font this many times larger (0.5 to 3)")
    p.add_argument("--dark", action="store_true", help="the dark theme, for dark slides")
    p.add_argument("--transparent", action="store_true", help="no background fill (PNG, SVG)")
    p.add_argument("--animate", action="store_true",
                   help="the trajectories growing step by step (default 1280x720, steps + 1 + hold frames)")
    p.add_argument("--fps", type=int, default=10, help="animation frames per second (default 10)")
    p.add_argument("--hold", type=int, default=10, help="copies of the animation's last frame (default 10)")
    _lang_option(p)
    p.set_defaults(handler=_render)

    p = sub.add_parser("list", help="list surfaces, optimizers or schedulers")
    p.add_argument("what", nargs="?", choices=["surfaces", "optimizers", "schedulers"])
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=_list)

    _add_insight_commands(sub)
    return parser


def _lang_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--lang", choices=LANGUAGES, default="en",
                   help="the figure's language: en, zh-Hans (简体中文) or zh-Hant (繁體中文)")


def read_config(path: str) -> Any:
    """The config's JSON text from a file or stdin, as a parsed Config."""
    try:
        text = sys.stdin.read() if path == "-" else open(path, encoding="utf-8").read()
    except OSError as exc:
        raise UsageError(f"cannot read config '{path}': {exc.strerror}") from None
    except UnicodeDecodeError:
        raise UsageError(f"config '{path}' is not UTF-8 text") from None
    return load(text)


def _run(args: argparse.Namespace) -> int:
    result = simulate(read_config(args.config))
    json.dump(result.to_dict(), sys.stdout, allow_nan=False)
    sys.stdout.write("\n")
    return 0


def _render(args: argparse.Namespace) -> int:
    from gradscape import presets   # the figure stack loads only for this command
    from gradscape.figures import ExportError, to_bytes, trajectory_figure
    from gradscape.figures.animation import FORMATS as ANIMATED, animate
    from gradscape.figures.export import FORMATS
    from gradscape.figures.look import Look

    fmt = args.output.rsplit(".", 1)[-1].lower() if "." in args.output else ""
    allowed = ANIMATED if args.animate else FORMATS
    if fmt not in allowed:
        raise UsageError(f"output '{args.output}' must end in {', '.join('.' + f for f in allowed)}"
                         + ("" if args.animate else " (or .gif, .mp4 with --animate)"))
    if (args.config is None) == (args.preset is None):
        raise UsageError("give either a CONFIG file or --preset NAME")
    width, height = _render_size(args)
    if args.transparent and fmt not in ("png", "svg"):
        raise UsageError("--transparent is for .png and .svg")
    look = Look(size=args.slide or "own", font_scale=args.font_scale,
                theme="dark" if args.dark else "light", transparent=args.transparent)
    config = presets.get(args.preset) if args.preset else read_config(args.config)
    title = presets.title(args.preset) if args.preset else None
    result = simulate(config)
    try:
        if args.animate:
            data = animate(result, fmt, overlay=args.overlay, width=width or 1280, height=height or 720,
                           fps=args.fps, hold=args.hold, look=look, title=title)
        else:
            figure = trajectory_figure(result, overlay=args.overlay, height=look.dimensions(width, height)[1],
                                       title=title)
            data = to_bytes(figure, fmt, width=width, height=height, look=look)
    except ExportError as exc:
        raise UsageError(str(exc)) from None
    try:
        with open(args.output, "wb") as f:
            f.write(data)
    except OSError as exc:
        raise UsageError(f"cannot write '{args.output}': {exc.strerror}") from None
    return 0


def _render_size(args: argparse.Namespace) -> tuple[int | None, int | None]:
    """(width, height) from --size WxH or --width/--height, each checked; None where not given."""
    width, height = args.width, args.height
    if args.size is not None:
        if width is not None or height is not None:
            raise UsageError("give --size or --width/--height, not both")
        parts = args.size.lower().split("x")
        if len(parts) != 2 or not all(p.strip().isdigit() for p in parts):
            raise UsageError(f"--size must be WIDTHxHEIGHT in whole pixels, e.g. 1280x720, got '{args.size}'")
        width, height = (int(p) for p in parts)
    if args.slide and (width is not None or height is not None):
        raise UsageError("--slide sets the size: give it without --size, --width or --height")
    for name, value in (("width", width), ("height", height)):
        if value is not None and not 100 <= value <= 10_000:
            raise UsageError(f"--{name} must be from 100 to 10000 pixels, got {value}")
    return width, height


def catalogue() -> dict[str, list[dict[str, Any]]]:
    """Everything that exists, with defaults, as JSON-ready lists."""
    def described(cls: Any) -> dict[str, Any]:
        out = {"name": cls.name, "summary": cls.summary,
               "params": [{"name": h.name, "default": h.default, "kind": h.kind, "low": h.low,
                           "high": h.high, "help": h.help,
                           **({"choices": list(h.choices)} if h.kind == "choice" else {}),
                           **({"required": True} if h.kind == "optimizer" else {})}
                          for h in cls.hyperparams]}
        if getattr(cls, "batched", True) is False:
            out["batched"] = False      # one run at a time: no basin maps or sweeps
        return out

    listed = []
    for sid in surfaces.names():
        s = surfaces.get(sid)
        listed.append({"id": s.id, "name": s.name, "formula": s.text,
                       "window": [list(w) for w in s.window], "start": list(s.start),
                       "minima": [list(m) for m in s.minima], "min_value": s.min_value,
                       "smooth": s.smooth})
    return {"surfaces": listed,
            "optimizers": [{**described(c), "torch": not c.reference}
                           for c in optimizers.ALL_OPTIMIZERS.values()],
            "schedulers": [described(c) for c in optimizers.SCHEDULERS.values()]}


def _shown(default: Any) -> str:
    """A default as `gradscape list` prints it: nested schedulers as the JSON a config holds."""
    if isinstance(default, tuple) and default and isinstance(default[0], dict):
        return json.dumps(list(default), separators=(",", ":"))
    return str(default)


def _list(args: argparse.Namespace) -> int:
    everything = catalogue()
    chosen = {args.what: everything[args.what]} if args.what else everything
    if args.json:
        json.dump(chosen if args.what is None else chosen[args.what], sys.stdout, indent=1)
        sys.stdout.write("\n")
        return 0
    for group, items in chosen.items():
        print(f"{group}:")
        for item in items:
            if group == "surfaces":
                print(f"  {item['id']:<18} {item['formula']}")
            else:
                defaults = ", ".join(f"{p['name']}=<an optimizer>" if p.get("required") else
                                     f"{p['name']}={p['default']!r}" if p["kind"] == "choice" else
                                     f"{p['name']}={_shown(p['default'])}" for p in item["params"])
                note = "  (reference: not part of torch.optim)" if item.get("torch") is False else ""
                note += "  (one run at a time: no basin maps or sweeps)" \
                    if item.get("batched") is False else ""
                print(f"  {item['name']:<18} {defaults}{note}")
    return 0


# --- insight views: basin maps, hyperparameter sweeps, critical points ----------------------

_MAP_OUTPUT = "file to write: .json, or a figure as .png, .svg, .pdf or .html (default: JSON on stdout)"


def _add_insight_commands(sub: Any) -> None:
    """The parsers of ``basin``, ``sweep`` and ``critical``."""
    from optimizers.grids import MAX_RESOLUTION, MAX_VALUES, MIN_RESOLUTION

    p = sub.add_parser(
        "basin", help="where runs from a grid of starts end: basins of attraction",
        description="Run the config's FIRST optimizer (with its scheduler, the config's steps and "
        "noise) from every start of an N x N grid over the surface's window, in one batched "
        "call. JSON: {x: [N], y: [N], final_loss: NxN, final_point: NxNx2, converged_step: NxN, "
        "minimum_index: NxN}; row i of a grid belongs to y[i]; null means never, none or not "
        "finite. minimum_index indexes the surface's minima (`gradscape list surfaces --json`; "
        "for a typed formula, its local minima in the order `gradscape critical` lists them); "
        "a diverged run reached none.")
    p.add_argument("config", help="path to a JSON config, or - for stdin")
    p.add_argument("--resolution", type=int, default=100,
                   help=f"N: starts per side, {MIN_RESOLUTION} to {MAX_RESOLUTION} (default 100)")
    p.add_argument("--gtol", type=float, default=1e-6,
                   help="a gradient norm at most this counts as converged (default 1e-6)")
    p.add_argument("--tol", type=float, default=0.01,
                   help="a run reached a minimum if it ended within TOL x the window's diagonal "
                        "of it (default 0.01)")
    p.add_argument("-o", "--output", default="-", help=_MAP_OUTPUT)
    _lang_option(p)
    p.set_defaults(handler=_basin)

    p = sub.add_parser(
        "sweep", help="final loss over a grid of two hyperparameters",
        description="Run the config's FIRST optimizer from the config's start (else the "
        "surface's) for the config's steps over a grid of two of its hyperparameters, as one "
        "batched call; the others keep the config's values. An axis is NAME:LOW:HIGH:NUM[:log], "
        "e.g. --x lr:1e-3:1:20:log --y momentum:0:0.99:20. NAME is a number-valued "
        "hyperparameter of the optimizer, or betas[0] / betas[1]; NUM is from 1 to "
        f"{MAX_VALUES}; log spaces the values geometrically (LOW and HIGH > 0). JSON: "
        "{optimizer, start, x: {name, values, log}, y: {...}, final_loss, final_point, "
        "converged_step, diverged_at}, grids of len(y) rows by len(x) columns; null means "
        "never or not finite.")
    p.add_argument("config", help="path to a JSON config, or - for stdin")
    p.add_argument("--x", required=True, metavar="AXIS", help="NAME:LOW:HIGH:NUM[:log] across")
    p.add_argument("--y", required=True, metavar="AXIS", help="NAME:LOW:HIGH:NUM[:log] up")
    p.add_argument("--gtol", type=float, default=1e-6,
                   help="a gradient norm at most this counts as converged (default 1e-6)")
    p.add_argument("-o", "--output", default="-", help=_MAP_OUTPUT)
    _lang_option(p)
    p.set_defaults(handler=_sweep)

    p = sub.add_parser(
        "critical", help="critical points of a surface: minima, maxima, saddles",
        description="Find where the gradient vanishes in the window and classify each point by "
        "the Hessian's eigenvalues (minimum, maximum, saddle, degenerate). --json prints a list "
        "of {x, y, kind, value, eigenvalues}.")
    p.add_argument("surface", nargs="?", help="a built-in surface id (`gradscape list surfaces`)")
    p.add_argument("--expr", help='a formula instead of an id, e.g. "x^3 - 3*x*y^2"')
    p.add_argument("--window", metavar="XMIN,XMAX,YMIN,YMAX",
                   help="where to search (default: the surface's; with a leading minus write "
                        "--window=-5,5,-5,5)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    _lang_option(p)
    p.set_defaults(handler=_critical)


def _first_line(config: Any) -> tuple[Any, Any, Any]:
    """The config's surface, and the optimizer and scheduler of its first line."""
    return (resolve_surface(config), *config.lines[0].build())


def _output_format(path: str) -> str:
    """"json" for - or .json, else the figure format of the file's extension."""
    fmt = path.rsplit(".", 1)[-1].lower() if "." in path else ""
    if path == "-" or fmt == "json":
        return "json"
    from gradscape.figures.export import FORMATS    # plotly loads only for figures

    if fmt not in FORMATS:
        raise UsageError(f"output '{path}' must be - or end in .json, "
                         f"{', '.join('.' + f for f in FORMATS)}")
    return fmt


def _check_gtol(value: float) -> None:
    if not (value >= 0 and value != float("inf")):
        raise UsageError(f"--gtol must be a finite number >= 0, got {value}")


def _write_result(path: str, fmt: str, result: Any, figure: Any) -> None:
    """``result.to_dict()`` as JSON, or ``figure()`` drawn as ``fmt``, to ``path`` (- : stdout)."""
    if fmt == "json":
        data = _json_bytes(result.to_dict())
        if path == "-":
            sys.stdout.buffer.write(data)
            return
    else:
        from gradscape.figures.export import ExportError, to_bytes
        try:
            data = to_bytes(figure(), fmt)
        except ExportError as exc:
            raise UsageError(str(exc)) from None
    try:
        with open(path, "wb") as f:
            f.write(data)
    except OSError as exc:
        raise UsageError(f"cannot write '{path}': {exc.strerror}") from None


def _json_bytes(data: Any) -> bytes:
    """Compact JSON of plain data (no NaN: None stands for it), with a final newline.

    orjson, when installed, writes the same numbers (shortest round-trip form) about 15 times
    faster than the json module: a 200 x 200 basin map's 2.8 MB in 0.01 s instead of 0.1 s.
    """
    try:
        import orjson
    except ImportError:
        return (json.dumps(data, allow_nan=False, separators=(",", ":")) + "\n").encode()
    return orjson.dumps(data, option=orjson.OPT_APPEND_NEWLINE)


def _basin(args: argparse.Namespace) -> int:
    from optimizers.grids import MAX_RESOLUTION, MIN_RESOLUTION, basin

    if not MIN_RESOLUTION <= args.resolution <= MAX_RESOLUTION:
        raise UsageError(f"--resolution must be from {MIN_RESOLUTION} to {MAX_RESOLUTION}, "
                         f"got {args.resolution}")
    _check_gtol(args.gtol)
    if not (0 < args.tol < float("inf")):
        raise UsageError(f"--tol must be a finite number > 0, got {args.tol}")
    fmt = _output_format(args.output)
    config = read_config(args.config)
    surface, optimizer, scheduler = _first_line(config)
    minima = None
    if not surface.minima:        # a typed formula lists none: use its local minima
        from surfaces.critical import critical_points
        minima = [(p.x, p.y) for p in critical_points(surface) if p.kind == "minimum"]
    result = basin(surface, optimizer, config.steps, args.resolution, scheduler, minima=minima,
                   noise_std=config.noise_std, seed=config.noise_seed, gtol=args.gtol, tol=args.tol)

    def figure() -> Any:
        from gradscape.figures.maps import basin_figure
        return basin_figure(result, surface)

    _write_result(args.output, fmt, result, figure)
    return 0


def _sweep(args: argparse.Namespace) -> int:
    from optimizers.grids import parse_axis, sweep

    _check_gtol(args.gtol)
    x_axis, y_axis = parse_axis(args.x), parse_axis(args.y)
    fmt = _output_format(args.output)
    config = read_config(args.config)
    surface, optimizer, scheduler = _first_line(config)
    result = sweep(surface, optimizer, x_axis, y_axis, config.steps, start=config.start,
                   scheduler=scheduler, noise_std=config.noise_std, seed=config.noise_seed,
                   gtol=args.gtol)

    def figure() -> Any:
        from gradscape.figures.maps import sweep_figure
        return sweep_figure(result, min_value=surface.min_value)

    _write_result(args.output, fmt, result, figure)
    return 0


def _critical(args: argparse.Namespace) -> int:
    from surfaces.critical import critical_points

    if (args.surface is None) == (args.expr is None):
        raise UsageError("give either a SURFACE id or --expr FORMULA")
    window = None
    if args.window is not None:
        try:
            x0, x1, y0, y1 = (float(v) for v in args.window.split(","))
        except ValueError:
            raise UsageError(f"--window must be four numbers xmin,xmax,ymin,ymax, "
                             f"got '{args.window}'") from None
        window = ((x0, x1), (y0, y1))
    surface = (surfaces.get(args.surface) if args.expr is None
               else surfaces.from_formula(args.expr, window=window))
    points = critical_points(surface, window=window)
    if args.json:
        listed = [{"x": p.x, "y": p.y, "kind": p.kind, "value": p.value,
                   "eigenvalues": list(p.eigenvalues)} for p in points]
        json.dump(listed, sys.stdout, allow_nan=False)
        sys.stdout.write("\n")
        return 0
    print(f"{len(points)} critical point{'s' * (len(points) != 1)} of {surface.name}")
    print(f"  {'kind':<11} {'x':>12} {'y':>12} {'f(x, y)':>12}   eigenvalues of the Hessian")
    for p in points:
        print(f"  {p.kind:<11} {p.x:>12.6g} {p.y:>12.6g} {p.value:>12.6g}   "
              f"{p.eigenvalues[0]:.6g}, {p.eigenvalues[1]:.6g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
