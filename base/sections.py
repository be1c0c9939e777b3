"""Typed, frozen settings records validated from TOML data: the little ``base.config`` needs of
a validation library, at a fraction of its import cost (``loa stats`` and the other everyday
commands load the settings on every run; issue 26).

A ``Section`` is a frozen, keyword-only dataclass. Its fields' annotations say what a value may
be (``str``, ``int``, ``float``, ``bool``, ``Literal``, ``X | None``, ``list[X]``,
``dict[str, X]``, another ``Section``); ``rule(...)`` in a field's metadata adds bounds. Values
are converted as TOML authors expect ("5" or 5 for a float, 2.0 for an int, "yes" for a bool),
and every mistake is collected with its place (``loc``) and a message in the wording operators
have seen so far ("Input should be greater than 0"). Unknown keys are mistakes too.
"""

from __future__ import annotations

import re
import types
from collections.abc import Mapping
from dataclasses import MISSING, Field, dataclass, fields
from typing import Any, Literal, Self, Union, get_args, get_origin, get_type_hints

Loc = tuple[int | str, ...]


@dataclass(frozen=True)
class Mistake:
    """One wrong value: where (the keys and list positions leading to it), what kind, and why."""

    loc: Loc
    type: str  # "extra_forbidden", "missing", "value_error", "greater_than", …
    msg: str


class ValidationError(ValueError):
    """Every mistake found in one validation, in field order (unknown keys last)."""

    def __init__(self, mistakes: list[Mistake]) -> None:
        self.mistakes = mistakes
        super().__init__("; ".join(f"{'.'.join(map(str, m.loc))}: {m.msg}" for m in mistakes))

    def errors(self) -> list[Mistake]:
        return list(self.mistakes)


def rule(
    *,
    gt: float | None = None,
    ge: float | None = None,
    le: float | None = None,
    min_length: int | None = None,
    pattern: str | None = None,
) -> dict[str, Any]:
    """A field's bounds, for ``field(metadata=rule(...))``."""
    given = {"gt": gt, "ge": ge, "le": le, "min_length": min_length, "pattern": pattern}
    return {"rule": {key: value for key, value in given.items() if value is not None}}


@dataclass(frozen=True)
class _Spec:
    name: str
    hint: Any
    rule: Mapping[str, Any]
    required: bool
    default: Any  # MISSING when there is none (or a factory makes it)


_BAD = object()  # a value that failed; its mistakes are recorded
_TRUE = frozenset(("1", "on", "t", "true", "y", "yes"))
_FALSE = frozenset(("0", "off", "f", "false", "n", "no"))


@dataclass(frozen=True)
class Section:
    """Base of every settings table: frozen, unknown keys refused, values checked on creation."""

    def __post_init__(self) -> None:
        # Direct construction (``TelegramSettings(token=…)``): the same checks as loading a file.
        # A default is valid as written (and keeps its type: 20, not 20.0).
        given = {
            spec.name: getattr(self, spec.name)
            for spec in _specs(type(self))
            if getattr(self, spec.name) is not spec.default
        }
        mistakes: list[Mistake] = []
        for name, value in type(self)._typed_fields(given, (), mistakes).items():
            object.__setattr__(self, name, value)
        if not mistakes:
            self._checked((), mistakes)
        if mistakes:
            raise ValidationError(mistakes)

    # Hooks for subclasses --------------------------------------------------------------------

    @classmethod
    def _before(cls, name: str, value: Any) -> Any:
        """``name``'s value as written, adjusted before its type is checked."""
        return value

    @classmethod
    def _after(cls, name: str, value: Any) -> Any:
        """``name``'s typed value, checked further; a ValueError is the mistake's message."""
        return value

    def _check(self) -> None:
        """The whole record, once every field is valid; a ValueError is the mistake's message."""

    # The API the rest of Loa uses -------------------------------------------------------------

    @classmethod
    def model_validate(cls, data: Any) -> Self:
        """``data`` (a table read from TOML, or already a ``cls``) as ``cls``; ValidationError
        lists every mistake."""
        mistakes: list[Mistake] = []
        made = cls._from(data, (), mistakes)
        if mistakes:
            raise ValidationError(mistakes)
        return made

    def model_copy(self, *, update: Mapping[str, Any] | None = None) -> Self:
        """A copy with ``update``'s fields replaced, unchecked (the values are already typed)."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update(update or {})
        return type(self)._build(values)

    def model_dump(self) -> dict[str, Any]:
        """The fields (nested tables as dicts), without private ones such as load warnings."""
        return {f.name: _dumped(getattr(self, f.name)) for f in fields(self) if f.init}

    # Validation -----------------------------------------------------------------------------

    @classmethod
    def _from(cls, data: Any, loc: Loc, mistakes: list[Mistake]) -> Self:
        if isinstance(data, cls):
            return data
        if not isinstance(data, Mapping):
            message = f"Input should be a valid dictionary or instance of {cls.__name__}"
            mistakes.append(Mistake(loc, "model_type", message))
            return _BAD  # type: ignore[return-value]
        specs = _specs(cls)
        known = {spec.name for spec in specs}
        before = len(mistakes)
        missing = [spec.name for spec in specs if spec.required and spec.name not in data]
        typed = cls._typed_fields({k: v for k, v in data.items() if k in known}, loc, mistakes)
        # Missing keys take their field's place in the order; unknown keys come last.
        mistakes[before:] = sorted(
            mistakes[before:] + [Mistake((*loc, n), "missing", "Field required") for n in missing],
            key=lambda m: _order(specs, m.loc[len(loc)]),
        ) + [
            Mistake((*loc, key), "extra_forbidden", "Extra inputs are not permitted")
            for key in data
            if key not in known
        ]
        if len(mistakes) > before:
            return _BAD  # type: ignore[return-value]
        made = cls._build(typed)
        made._checked(loc, mistakes)
        return made

    @classmethod
    def _typed_fields(
        cls, given: Mapping[str, Any], loc: Loc, mistakes: list[Mistake]
    ) -> dict[str, Any]:
        """The given fields typed and checked; the failed ones left out, their mistakes added."""
        typed = {}
        for spec in _specs(cls):
            if spec.name not in given:
                continue
            where = (*loc, spec.name)
            try:
                value = cls._before(spec.name, given[spec.name])
            except ValueError as exc:
                mistakes.append(Mistake(where, "value_error", str(exc)))
                continue
            count = len(mistakes)
            value = _typed(value, spec.hint, spec.rule, where, mistakes)
            if len(mistakes) > count:
                continue
            try:
                typed[spec.name] = cls._after(spec.name, value)
            except ValueError as exc:
                mistakes.append(Mistake(where, "value_error", str(exc)))
        return typed

    def _checked(self, loc: Loc, mistakes: list[Mistake]) -> None:
        try:
            self._check()
        except ValueError as exc:
            mistakes.append(Mistake(loc, "value_error", str(exc)))

    @classmethod
    def _build(cls, values: Mapping[str, Any]) -> Self:
        """An instance from typed values (defaults for the rest), without checking them again."""
        made = object.__new__(cls)
        for f in fields(cls):
            if f.name in values:
                value = values[f.name]
            elif f.default is not MISSING:
                value = f.default
            elif callable(f.default_factory):
                value = f.default_factory()
            else:  # only reached by a programming error: _from reports missing keys first
                raise TypeError(f"{cls.__name__}.{f.name} has no value")
            object.__setattr__(made, f.name, value)
        return made


def _dumped(value: Any) -> Any:
    if isinstance(value, Section):
        return value.model_dump()
    if isinstance(value, list):
        return [_dumped(v) for v in value]
    if isinstance(value, dict):
        return {k: _dumped(v) for k, v in value.items()}
    return value


def _order(specs: tuple[_Spec, ...], name: int | str) -> int:
    return next((i for i, spec in enumerate(specs) if spec.name == name), len(specs))


_SPECS: dict[type[Section], tuple[_Spec, ...]] = {}


def _specs(cls: type[Section]) -> tuple[_Spec, ...]:
    """The fields a table may be given (cached: resolving the annotations is the slow part)."""
    if cls in _SPECS:
        return _SPECS[cls]
    hints = get_type_hints(cls)
    _SPECS[cls] = tuple(
        _Spec(f.name, hints[f.name], f.metadata.get("rule", {}), _required(f), f.default)
        for f in fields(cls)
        if f.init
    )
    return _SPECS[cls]


def _required(f: Field[Any]) -> bool:
    return f.default is MISSING and f.default_factory is MISSING


def _typed(value: Any, hint: Any, bounds: Mapping[str, Any], loc: Loc, out: list[Mistake]) -> Any:
    """``value`` as ``hint`` says (within ``bounds``), or ``_BAD`` with its mistakes in ``out``."""
    origin = get_origin(hint)
    if origin in (Union, types.UnionType):
        if value is None and type(None) in get_args(hint):
            return None
        (inner,) = [arg for arg in get_args(hint) if arg is not type(None)]
        return _typed(value, inner, bounds, loc, out)
    if origin is Literal:
        if value in get_args(hint):
            return value
        options = [repr(option) for option in get_args(hint)]
        listed = " or ".join([", ".join(options[:-1]), options[-1]] if options[1:] else options)
        out.append(Mistake(loc, "literal_error", f"Input should be {listed}"))
        return _BAD
    if origin is list:
        if not isinstance(value, list | tuple):
            out.append(Mistake(loc, "list_type", "Input should be a valid list"))
            return _BAD
        (item,) = get_args(hint)
        return [_typed(v, item, {}, (*loc, i), out) for i, v in enumerate(value)]
    if origin is dict:
        if not isinstance(value, Mapping):
            out.append(Mistake(loc, "dict_type", "Input should be a valid dictionary"))
            return _BAD
        _, item = get_args(hint)
        return {k: _typed(v, item, {}, (*loc, k), out) for k, v in value.items()}
    if isinstance(hint, type) and issubclass(hint, Section):
        return hint._from(value, loc, out)
    scalar = _SCALARS[hint](value)
    if isinstance(scalar, Mistake):
        out.append(Mistake(loc, scalar.type, scalar.msg))
        return _BAD
    broken = _broken(scalar, bounds)
    if broken:
        out.append(Mistake(loc, *broken))
        return _BAD
    return scalar


def _string(value: Any) -> Any:
    if isinstance(value, str):
        return value
    return Mistake((), "string_type", "Input should be a valid string")


def _integer(value: Any) -> Any:
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        message = "Input should be a valid integer, got a number with a fractional part"
        return Mistake((), "int_from_float", message)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            message = "Input should be a valid integer, unable to parse string as an integer"
            return Mistake((), "int_parsing", message)
    return Mistake((), "int_type", "Input should be a valid integer")


def _number(value: Any) -> Any:
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            message = "Input should be a valid number, unable to parse string as a number"
            return Mistake((), "float_parsing", message)
    return Mistake((), "float_type", "Input should be a valid number")


def _boolean(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, str | int | float):
        word = str(value).strip().lower() if isinstance(value, str) else str(int(value))
        if isinstance(value, float) and not value.is_integer():
            word = ""
        if word in _TRUE or word in _FALSE:
            return word in _TRUE
        message = "Input should be a valid boolean, unable to interpret input"
        return Mistake((), "bool_parsing", message)
    return Mistake((), "bool_type", "Input should be a valid boolean")


_SCALARS = {str: _string, int: _integer, float: _number, bool: _boolean}


def _broken(value: Any, bounds: Mapping[str, Any]) -> tuple[str, str] | None:
    """The first bound ``value`` breaks, as (kind, message); None when it keeps them all."""
    if "gt" in bounds and not value > bounds["gt"]:
        return "greater_than", f"Input should be greater than {bounds['gt']}"
    if "ge" in bounds and not value >= bounds["ge"]:
        return "greater_than_equal", f"Input should be greater than or equal to {bounds['ge']}"
    if "le" in bounds and not value <= bounds["le"]:
        return "less_than_equal", f"Input should be less than or equal to {bounds['le']}"
    if "min_length" in bounds and len(value) < bounds["min_length"]:
        n = bounds["min_length"]
        return "string_too_short", f"String should have at least {n} character{'s' * (n != 1)}"
    if "pattern" in bounds and not re.match(bounds["pattern"], value):
        return "string_pattern_mismatch", f"String should match pattern '{bounds['pattern']}'"
    return None
