"""Sweep configs as W&B users write them, checked and turned into the plan of one search.

Rules:
- a space is a W&B sweep config (a dict with ``parameters``), a function that returns one when
  called with None (transformers' ``hp_space``), a neutral hpcore space, or None (define-by-run);
- every key is checked before any run: an unknown key, a distribution without its bounds, a
  ``values`` that is not a list, ``method: bayes`` or ``early_terminate`` without a metric raise
  InvalidSpace naming the key (options that clash with the config raise InvalidArgument);
- ``direction`` decides: a ``metric.goal`` that contradicts it is overridden, with a warning;
- the metric names are the config's (``metric``, or ``metrics`` for several objectives), the
  ``metric=`` option's (it replaces the config's name, as transformers passes it), else
  ``objective`` (``objective_0``, ``objective_1``, ... for several objectives): ``"metric": {}``
  or a metric without a name, as transformers' users write it, takes that name and its goal
  from ``direction``, as transformers fills them in;
- nested ``parameters`` are sampled under their dotted path and handed to the objective, and to
  the W&B run config, as nested dicts.
"""

from __future__ import annotations

import copy
import datetime
import difflib
import math
import re
import secrets
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from hpcore import InvalidArgument, InvalidSpace, Settings, called_with_none, check_count, is_neutral

from hp_wandb.params import Beta, Choice, Constant, IntUniform, Neutral, Normal, Quantized, Spec, Uniform

METHODS = ("random", "grid", "bayes")
GOALS = ("minimize", "maximize")
TOP_LEVEL = (
    "method", "metric", "metrics", "parameters", "early_terminate", "run_cap", "name", "description",
    "project", "entity", "program", "command", "controller", "kind", "apiVersion",
)
METRIC_KEYS = ("name", "goal", "target", "impute", "impute_while_running")
HYPERBAND_KEYS = ("type", "min_iter", "max_iter", "s", "eta", "strict")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")  # W&B's rule for parameter names

_BOUNDS = ("min", "max")
DISTRIBUTIONS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {  # name -> (required keys, optional keys)
    "constant": (("value",), ()),
    "categorical": (("values",), ("probabilities",)),
    "categorical_w_probabilities": (("values", "probabilities"), ()),
    "int_uniform": (_BOUNDS, ()),
    "uniform": (_BOUNDS, ()),
    "q_uniform": (_BOUNDS, ("q",)),
    "log_uniform_values": (_BOUNDS, ()),
    "inv_log_uniform_values": (_BOUNDS, ()),
    "q_log_uniform_values": (_BOUNDS, ("q",)),
    "log_uniform": (_BOUNDS, ()),
    "inv_log_uniform": (_BOUNDS, ()),
    "q_log_uniform": (_BOUNDS, ("q",)),
    "normal": ((), ("mu", "sigma")),
    "q_normal": ((), ("mu", "sigma", "q")),
    "log_normal": ((), ("mu", "sigma")),
    "q_log_normal": ((), ("mu", "sigma", "q")),
    "beta": ((), ("a", "b")),
    "q_beta": ((), ("a", "b", "q")),
}


@dataclass(frozen=True)
class Hyperband:
    """W&B's ``early_terminate: {type: hyperband}``: the bands (history lengths) a run is checked at."""

    bands: tuple[int, ...]
    eta: float
    config: dict[str, Any]


@dataclass
class Plan:
    """What one search samples and logs, whatever form its space came in."""

    method: str
    specs: list[Spec]
    paths: dict[str, tuple[str, ...]]  # spec key -> path in the run config (nested parameters)
    native: bool  # a W&B config (params handed over nested) rather than a neutral space or None
    metric_names: list[str]
    target: float | None = None
    hyperband: Hyperband | None = None
    run_cap: int | None = None
    name: str = ""
    project: str | None = None
    entity: str | None = None
    wandb_config: dict[str, Any] | None = None  # the user's config as written (None for neutral spaces)

    def nest(self, flat: Mapping[str, Any]) -> dict[str, Any]:
        """Sampled values by key as the run config holds them: nested parameters as nested dicts."""
        out: dict[str, Any] = {}
        for key, value in flat.items():
            path = self.paths.get(key, (key,))
            node = out
            for part in path[:-1]:
                node = node.setdefault(part, {})
            node[path[-1]] = value
        return out


def is_sweep_config(space: Any) -> bool:
    """A dict with a "parameters" dict or a "method" string: a W&B sweep config, however misspelt its other keys."""
    return isinstance(space, Mapping) and (
        isinstance(space.get("parameters"), Mapping) or isinstance(space.get("method"), str)
    )


def read_space(space: Any) -> tuple[str, dict[str, Any] | None]:
    """The form of `space` (wandb, neutral, none) and the W&B config it is or returns."""
    if space is None:
        return "none", None
    if is_neutral(space):
        return "neutral", None
    if callable(space) and not isinstance(space, Mapping):
        config = called_with_none(space, "wandb", "a W&B sweep config")
        if not isinstance(config, Mapping) or not isinstance(config.get("parameters"), Mapping):
            raise InvalidSpace(
                f"the space function returned {type(config).__name__} when called with None: it must return a "
                "W&B sweep config, a dict such as {'method': 'random', 'parameters': {...}}."
            )
        return "wandb", dict(config)
    if isinstance(space, Mapping):
        return "wandb", dict(space)
    raise InvalidSpace(f"the wandb backend cannot read a space of type {type(space).__name__}.")


def make_plan(settings: Settings, options: Mapping[str, Any]) -> Plan:
    """Check the space and the options of one search; raise before any run when something is wrong."""
    form, config = read_space(settings.space)
    if config is not None:
        _check_keys("the sweep config", config, TOP_LEVEL)
    method = _method(config, options.get("method"))
    specs: list[Spec] = []
    paths: dict[str, tuple[str, ...]] = {}
    if config is not None:
        parameters = config.get("parameters")
        if not isinstance(parameters, Mapping) or not parameters:
            raise InvalidSpace("the sweep config's 'parameters' must be a non-empty dict of parameter name -> spec.")
        _parse_parameters(parameters, (), specs, paths)
    elif form == "neutral":
        for name, param in settings.space.items():
            specs.append(Neutral(name, param))
            paths[name] = (name,)
    metric_names, target = _metrics(config, options.get("metric"), settings)
    if config is not None and method == "bayes" and "metric" not in config and "metrics" not in config and options.get("metric") is None:
        raise InvalidSpace(
            "method 'bayes' needs a metric to model: add 'metric': {'name': ..., 'goal': 'minimize' | 'maximize'} "
            "to the sweep config (or pass metric=)."
        )
    hyperband = _early_terminate(config, options.get("early_terminate"))
    if hyperband is not None and config is not None and "metric" not in config and "metrics" not in config and options.get("metric") is None:
        raise InvalidSpace(
            "early_terminate needs a metric to compare runs by: add 'metric': {'name': ..., 'goal': ...} to the sweep config."
        )
    plan = Plan(
        method=method,
        specs=specs,
        paths=paths,
        native=config is not None,
        metric_names=metric_names,
        target=target,
        hyperband=hyperband,
        run_cap=_run_cap(config, options.get("run_cap")),
        name=_text_option(options, "name") or _config_text(config, "name") or default_name(),
        project=_text_option(options, "project") or _config_text(config, "project"),
        entity=_text_option(options, "entity") or _config_text(config, "entity"),
        wandb_config=config,
    )
    return plan


def default_name() -> str:
    return f"hpcore-{datetime.datetime.now():%Y%m%d-%H%M%S}-{secrets.token_hex(2)}"


# -- the parts of a config -------------------------------------------------------------------
def _check_keys(what: str, given: Mapping[str, Any], allowed: Sequence[str]) -> None:
    for key in given:
        if key not in allowed:
            close = difflib.get_close_matches(str(key), allowed, n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise InvalidSpace(f"{what} has an unknown key {key!r}; it takes {', '.join(allowed)}.{hint}")


def _method(config: Mapping[str, Any] | None, option: Any) -> str:
    if option is not None and option not in METHODS:
        raise InvalidArgument(f"method must be one of {', '.join(METHODS)}, got {option!r}.")
    if config is None:
        return option or "random"
    written = config.get("method")
    if written is None:
        if option is None:
            raise InvalidSpace("the sweep config has no 'method': add 'method': 'random', 'grid' or 'bayes'.")
        return option
    if written not in METHODS:
        hint = " (a scheduler engine, which the wandb backend does not run)" if written == "custom" else ""
        raise InvalidSpace(f"the sweep config's 'method' is {written!r}{hint}: use 'random', 'grid' or 'bayes'.")
    if option is not None and option != written:
        raise InvalidArgument(
            f"the sweep config says method {written!r} and method={option!r} was passed: give the method once."
        )
    return written


def _metrics(config: Mapping[str, Any] | None, option: Any, settings: Settings) -> tuple[list[str], float | None]:
    """One metric name per direction and the target; warns where a goal written contradicts the direction."""
    k = settings.n_objectives
    written: list[dict[str, Any]] = []
    if config is not None:
        if "metric" in config and "metrics" in config:
            raise InvalidSpace("the sweep config has both 'metric' and 'metrics': give 'metric' for one objective, 'metrics' for several.")
        if "metric" in config:
            written = [_metric_dict("the sweep config's 'metric'", config["metric"], named=False)]
        elif "metrics" in config:
            items = config["metrics"]
            if not isinstance(items, (list, tuple)) or not items:
                raise InvalidSpace("the sweep config's 'metrics' must be a list of {'name': ..., 'goal': ...}, one per direction.")
            written = [_metric_dict(f"the sweep config's metrics[{i}]", m) for i, m in enumerate(items)]
    if option is not None:
        items = option if isinstance(option, (list, tuple)) else [option]
        given = [_metric_option(m) for m in items]
        if written and len(written) == len(given):
            written = [{**w, **g} for w, g in zip(written, given)]  # the option's name replaces the config's
        else:
            written = given
    names = ["objective"] if k == 1 else [f"objective_{i}" for i in range(k)]
    goals: list[str | None] = [None] * k
    if len(written) == k:
        names = [m.get("name") or names[i] for i, m in enumerate(written)]
        goals = [m.get("goal") for m in written]
    elif len(written) == 1 and written[0].get("name"):
        names = [f"{written[0]['name']}_{i}" for i in range(k)]
    elif len(written) > 1:
        raise InvalidArgument(
            f"{len(written)} metrics are named but direction has {k} entries: name one metric per direction."
        )
    if len(set(names)) != len(names):
        raise InvalidArgument(f"metric names must differ from each other, got {names}.")
    for i, (goal, direction) in enumerate(zip(goals, settings.directions)):
        if goal is not None and goal != direction.value:
            warnings.warn(
                f"metric {names[i]!r} has goal {goal!r} but the search's direction is {direction.value!r}: "
                f"direction wins, the search {direction.value[:-1]}es {names[i]!r} "
                f"(pass direction={goal!r} to follow the config).",
                UserWarning,
                stacklevel=4,
            )
    target = written[0].get("target") if len(written) == 1 and k == 1 else None
    return names, target


def _metric_dict(what: str, metric: Any, named: bool = True) -> dict[str, Any]:
    """A checked metric dict; `named=False`: the name may be left out (transformers fills it in)."""
    if not isinstance(metric, Mapping):
        raise InvalidSpace(f"{what} must be a dict such as {{'name': 'loss', 'goal': 'minimize'}}, got {metric!r}.")
    _check_keys(what, metric, METRIC_KEYS)
    name = metric.get("name")
    if (named or name is not None) and (not isinstance(name, str) or not name):
        raise InvalidSpace(f"{what} needs a 'name': the metric each run logs, such as 'loss'.")
    goal = metric.get("goal")
    if goal is not None and goal not in GOALS:
        raise InvalidSpace(f"{what}'s 'goal' must be 'minimize' or 'maximize', got {goal!r}.")
    target = metric.get("target")
    if target is not None and not _is_number(target):
        raise InvalidSpace(f"{what}'s 'target' must be a number, got {target!r}.")
    return dict(metric)


def _metric_option(metric: Any) -> dict[str, Any]:
    if isinstance(metric, str) and metric:
        return {"name": metric}
    if isinstance(metric, Mapping):
        try:
            return _metric_dict("metric=", metric)
        except InvalidSpace as exc:
            raise InvalidArgument(str(exc)) from None
    raise InvalidArgument(
        f"metric must be a metric name such as 'eval/loss', a dict {{'name': ..., 'goal': ...}}, "
        f"or a list of them (one per direction), got {metric!r}."
    )


def _early_terminate(config: Mapping[str, Any] | None, option: Any) -> Hyperband | None:
    written = None if config is None else config.get("early_terminate")
    if option is not None and written is not None and option != written:
        raise InvalidArgument("the sweep config has early_terminate and early_terminate= was passed: give it once.")
    chosen = written if written is not None else option
    if chosen is None:
        return None
    error = InvalidSpace if written is not None else InvalidArgument
    what = "the sweep config's 'early_terminate'" if written is not None else "early_terminate="
    if not isinstance(chosen, Mapping):
        raise error(f"{what} must be a dict such as {{'type': 'hyperband', 'min_iter': 3}}, got {chosen!r}.")
    try:
        _check_keys(what, chosen, HYPERBAND_KEYS)
    except InvalidSpace as exc:
        raise error(str(exc)) from None
    if chosen.get("type") != "hyperband":
        raise error(f"{what} needs 'type': 'hyperband' (the one early-termination W&B has), got {chosen.get('type')!r}.")
    eta = chosen.get("eta", 3)
    if not _is_number(eta) or eta <= 1:
        raise error(f"{what}'s 'eta' must be a number greater than 1, got {eta!r}.")
    for key in ("min_iter", "max_iter", "s"):
        check_count(f"{what}'s {key!r}", chosen.get(key), optional=True, error=error)
    if "strict" in chosen and not isinstance(chosen["strict"], bool):
        raise error(f"{what}'s 'strict' must be true or false, got {chosen['strict']!r}.")
    bands: list[int] = []
    if "max_iter" in chosen and "s" in chosen:
        band = float(chosen["max_iter"])
        for _ in range(chosen["s"]):
            band /= eta
            if band < 1:
                break
            bands.append(int(band))
    elif "min_iter" in chosen:
        band = float(chosen["min_iter"])
        while band < 1e9:
            bands.append(int(band))
            band *= eta
    else:
        raise error(f"{what} needs 'min_iter', or 'max_iter' and 's': the history lengths at which runs are compared.")
    if not bands:
        raise error(f"{what} gives no band to compare runs at: increase max_iter or decrease s or eta.")
    return Hyperband(bands=tuple(sorted(set(bands))), eta=float(eta), config=dict(chosen))


def _run_cap(config: Mapping[str, Any] | None, option: Any) -> int | None:
    written = None if config is None else config.get("run_cap")
    for what, value, error in (("the sweep config's 'run_cap'", written, InvalidSpace), ("run_cap=", option, InvalidArgument)):
        check_count(what, value, optional=True, error=error)
    if written is not None and option is not None and written != option:
        raise InvalidArgument(f"the sweep config says run_cap {written} and run_cap={option} was passed: give it once.")
    return written if written is not None else option


def _text_option(options: Mapping[str, Any], key: str) -> str | None:
    value = options.get(key)
    if value is not None and (not isinstance(value, str) or not value):
        raise InvalidArgument(f"{key} must be a non-empty string or None, got {value!r}.")
    return value


def _config_text(config: Mapping[str, Any] | None, key: str) -> str | None:
    if config is None or config.get(key) is None:
        return None
    value = config[key]
    if not isinstance(value, str) or not value:
        raise InvalidSpace(f"the sweep config's {key!r} must be a non-empty string, got {value!r}.")
    return value


# -- parameters ---------------------------------------------------------------------------
def _parse_parameters(parameters: Mapping[str, Any], prefix: tuple[str, ...], specs: list[Spec], paths: dict[str, tuple[str, ...]]) -> None:
    for name, spec in parameters.items():
        if not isinstance(name, str) or not _NAME.match(name):
            raise InvalidSpace(
                f"parameter name {name!r} is not one W&B takes: start with a letter or _, then letters, digits, _, . or -."
            )
        path = (*prefix, name)
        where = ".".join(path)
        if not isinstance(spec, Mapping):
            raise InvalidSpace(
                f"parameter {where!r} must be a dict such as {{'values': [...]}}, {{'min': 0, 'max': 1}} or "
                f"{{'value': ...}}, got {spec!r}."
            )
        if "parameters" in spec:
            _check_keys(f"parameter {where!r}", spec, ("parameters",))
            nested = spec["parameters"]
            if not isinstance(nested, Mapping) or not nested:
                raise InvalidSpace(f"parameter {where!r}: 'parameters' must be a non-empty dict of nested parameters.")
            _parse_parameters(nested, path, specs, paths)
            continue
        if where in paths:
            raise InvalidSpace(f"parameter {where!r} is named twice (a dotted name and a nested one): rename one.")
        specs.append(parse_parameter(where, spec))
        paths[where] = path


def parse_parameter(key: str, spec: Mapping[str, Any]) -> Spec:
    """One W&B parameter spec, checked, as the `Spec` that samples it."""
    where = f"parameter {key!r}"
    distribution = spec.get("distribution")
    if distribution is None:
        distribution = _inferred(where, spec)
    if distribution not in DISTRIBUTIONS:
        close = difflib.get_close_matches(str(distribution), DISTRIBUTIONS, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise InvalidSpace(f"{where} has an unknown distribution {distribution!r}; W&B's are {', '.join(DISTRIBUTIONS)}.{hint}")
    if distribution == "categorical" and "probabilities" in spec:
        distribution = "categorical_w_probabilities"
    required, optional = DISTRIBUTIONS[distribution]
    _check_keys(f"{where} ({distribution})", spec, ("distribution", *required, *optional))
    missing = [k for k in required if k not in spec]
    if missing:
        raise InvalidSpace(f"{where}: distribution {distribution!r} needs {' and '.join(map(repr, missing))}.")
    return _build(key, where, distribution, spec)


def _inferred(where: str, spec: Mapping[str, Any]) -> str:
    """W&B's rule when no distribution is written."""
    if "values" in spec:
        return "categorical"
    if "value" in spec:
        return "constant"
    if "min" in spec or "max" in spec:
        if "min" not in spec or "max" not in spec:
            raise InvalidSpace(f"{where} needs both 'min' and 'max'.")
        both_int = all(isinstance(spec[k], int) and not isinstance(spec[k], bool) for k in _BOUNDS)
        return "int_uniform" if both_int else "uniform"
    raise InvalidSpace(
        f"{where} has no distribution: give 'values' (a list), 'value' (a constant), 'min' and 'max', "
        f"or 'distribution' (one of {', '.join(DISTRIBUTIONS)})."
    )


def _build(key: str, where: str, distribution: str, spec: Mapping[str, Any]) -> Spec:
    if distribution == "constant":
        return Constant(key, spec["value"])
    if distribution in ("categorical", "categorical_w_probabilities"):
        return _choice(key, where, spec)
    q = _number(where, spec, "q", 1.0)
    if q <= 0:
        raise InvalidSpace(f"{where}: 'q' must be positive, got {q!r}.")
    if distribution == "int_uniform":
        low, high = spec["min"], spec["max"]
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (low, high)):
            raise InvalidSpace(f"{where}: int_uniform needs int 'min' and 'max', got {low!r} and {high!r}.")
        _ordered(where, low, high)
        return IntUniform(key, low, high)
    base_name = distribution.removeprefix("q_")
    base: Spec
    if base_name in ("uniform", "log_uniform_values", "inv_log_uniform_values", "log_uniform", "inv_log_uniform"):
        low, high = _number(where, spec, "min"), _number(where, spec, "max")
        _ordered(where, low, high)
        if base_name == "uniform":
            base = Uniform(key, low, high, name=distribution)
        elif base_name in ("log_uniform_values", "inv_log_uniform_values"):
            if low <= 0:
                raise InvalidSpace(f"{where}: {distribution} needs 'min' > 0 (the values are log-scaled), got {low!r}.")
            base = Uniform(key, float(low), float(high), log=True, name=distribution)
        elif base_name == "log_uniform":  # the legacy form: min and max are natural logs of the bounds
            base = Uniform(key, math.exp(low), math.exp(high), log=True, name=distribution)
        else:  # inv_log_uniform, legacy: exp(-u) for u in [min, max]
            base = Uniform(key, math.exp(-high), math.exp(-low), log=True, name=distribution)
    elif base_name in ("normal", "log_normal"):
        mu, sigma = _number(where, spec, "mu", 0.0), _number(where, spec, "sigma", 1.0)
        if sigma < 0:
            raise InvalidSpace(f"{where}: 'sigma' must be at least 0, got {sigma!r}.")
        base = Normal(key, mu, sigma, log=base_name == "log_normal")
    else:  # beta
        a, b = _number(where, spec, "a", 1.0), _number(where, spec, "b", 1.0)
        if a <= 0 or b <= 0:
            raise InvalidSpace(f"{where}: beta needs 'a' > 0 and 'b' > 0, got a={a!r}, b={b!r}.")
        base = Beta(key, a, b)
    if distribution.startswith("q_"):
        return Quantized(key, base, spec.get("q", 1.0), name=distribution)
    return base


def _choice(key: str, where: str, spec: Mapping[str, Any]) -> Choice:
    values = spec["values"]
    if not isinstance(values, (list, tuple)):
        raise InvalidSpace(f"{where}: 'values' must be a list of the values to try, got {values!r}.")
    if not values:
        raise InvalidSpace(f"{where}: 'values' is empty: give at least one value.")
    probabilities = spec.get("probabilities")
    if probabilities is None:
        return Choice(key, tuple(values))
    if not isinstance(probabilities, (list, tuple)) or len(probabilities) != len(values):
        raise InvalidSpace(f"{where}: 'probabilities' must be a list with one number per value ({len(values)}), got {probabilities!r}.")
    if not all(_is_number(p) and p >= 0 for p in probabilities) or not math.isclose(sum(probabilities), 1.0, abs_tol=1e-6):
        raise InvalidSpace(f"{where}: 'probabilities' must be numbers of at least 0 that sum to 1, got {probabilities!r}.")
    return Choice(key, tuple(values), tuple(float(p) for p in probabilities))


def _number(where: str, spec: Mapping[str, Any], name: str, default: float | None = None) -> Any:
    value = spec.get(name, default)
    if not _is_number(value):
        raise InvalidSpace(f"{where}: {name!r} must be a finite number, got {value!r}.")
    return value


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _ordered(where: str, low: float, high: float) -> None:
    if low > high:
        raise InvalidSpace(f"{where}: 'min' ({low!r}) is greater than 'max' ({high!r}): swap them.")


# -- neutral spaces as W&B configs (online sweeps) ----------------------------------------
def neutral_to_wandb(space: Mapping[str, Any]) -> dict[str, Any]:
    """A W&B ``parameters`` dict that samples what a neutral space samples."""
    from hpcore import Categorical, Float, Int, values_of

    out: dict[str, Any] = {}
    for name, param in space.items():
        if isinstance(param, Categorical):
            out[name] = {"values": list(param.choices)}
        elif isinstance(param, Int) and param.log:
            out[name] = {"distribution": "q_log_uniform_values", "min": param.low, "max": param.high, "q": 1}
        elif isinstance(param, Int):
            if param.step == 1:
                out[name] = {"distribution": "int_uniform", "min": param.low, "max": param.high}
            else:
                out[name] = {"values": values_of(param)}
        elif isinstance(param, Float) and param.step is not None:
            out[name] = {"values": values_of(param)}
        elif isinstance(param, Float):
            kind = "log_uniform_values" if param.log else "uniform"
            out[name] = {"distribution": kind, "min": float(param.low), "max": float(param.high)}
        else:
            raise InvalidSpace(
                f"parameter {name!r} is a {type(param).__name__}, which a W&B sweep config cannot express: "
                "use Float, Int or Categorical, or mode='offline'."
            )
    return out


def online_config(plan: Plan, settings: Settings) -> dict[str, Any]:
    """The config sent to ``wandb.sweep``: the user's, with the search's metric, goal, method and name."""
    config = copy.deepcopy(plan.wandb_config) if plan.wandb_config is not None else {}
    config.pop("metrics", None)
    if plan.wandb_config is None:
        config["parameters"] = neutral_to_wandb(settings.space)
    metric = dict(config.get("metric") or {})
    metric.update(name=plan.metric_names[0], goal=settings.directions[0].value)
    config["metric"] = metric
    config["method"] = plan.method
    config["name"] = plan.name
    if plan.hyperband is not None:
        config["early_terminate"] = plan.hyperband.config
    if plan.run_cap is not None:
        config["run_cap"] = plan.run_cap
    return config

