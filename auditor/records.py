"""Record classes: what ``dataclasses`` does for us, without compiling code at import.

``@record`` takes the same options and field declarations as ``@dataclass`` for the subset the
package uses (``frozen``, ``eq``, ``repr``, ``order``; ``field(default=..., default_factory=...,
compare=..., repr=...)``; ``__post_init__``), and ``replace``, ``fields``, ``asdict`` and
``is_record`` stand in for their namesakes.

Why not the standard library: on Python 3.11, ``@dataclass`` writes the source of ``__init__``,
``__eq__``, ``__repr__``, ``__hash__`` and ``__setattr__`` for each class and compiles it with
``exec`` every time the module is imported, because generated code is not kept in the ``.pyc``.
A cold ``gk-audit check`` of one report imported about a hundred record classes and spent about
31 ms of its 140 ms doing that (issue 12), plus the import of ``inspect``, ``ast``, ``dis`` and
``tokenize`` that ``dataclasses`` pulls in. Here the methods are shared functions that read the
class's field table, so a record class costs a few microseconds to define. Making one instance
costs a little more than a compiled ``__init__`` (a few microseconds): fine for the package's
records, which are made a handful of times per report, not per character or per cell.

Semantics kept from ``dataclasses``: fields in declaration order, base classes' fields first;
positional or keyword arguments; defaults and default factories; ``__post_init__``; equality on
the compared fields between instances of the same class; ``frozen`` forbids assignment and, with
``eq``, makes instances hashable, while a non-frozen ``eq`` record is unhashable; ``order``
compares the compared fields as a tuple.
"""

from __future__ import annotations

import operator
from collections.abc import Callable

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time (DEVELOPERS.md)
if TYPE_CHECKING:
    from typing import Any, TypeVar, dataclass_transform

    RecordT = TypeVar("RecordT")
else:

    def dataclass_transform(**_options: object) -> Callable[[object], object]:
        """Type checkers read records as dataclasses; at run time this marks nothing."""
        return lambda decorated: decorated


MISSING: Any = type("Missing", (), {"__repr__": lambda self: "MISSING"})()


class FrozenInstanceError(AttributeError):
    """An assignment to a field of a frozen record."""


class Field:
    """One field of a record class: its name, default or default factory, and roles."""

    __slots__ = ("compare", "default", "default_factory", "hash", "name", "repr")

    def __init__(self, default: Any = MISSING, default_factory: Any = MISSING, compare: bool = True,
                 repr: bool = True, hash: bool | None = None) -> None:
        self.name = ""
        self.default = default
        self.default_factory = default_factory
        self.compare = compare
        self.repr = repr
        self.hash = compare if hash is None else hash

    def __repr__(self) -> str:
        return f"Field({self.name!r})"


def field(*, default: Any = MISSING, default_factory: Callable[[], Any] | Any = MISSING, compare: bool = True,
          repr: bool = True, hash: bool | None = None) -> Any:
    """A field with a default factory or flags, as ``dataclasses.field`` declares one."""
    return Field(default, default_factory, compare, repr, hash)


class _Table:
    """What the shared methods need to know of one record class, computed once when it is defined."""

    __slots__ = ("compare_key", "compared", "count", "defaults", "factories", "fields", "hash_key", "hashed",
                 "names", "post_init", "required", "shown")

    def __init__(self, cls: type, fields: tuple[Field, ...]) -> None:
        self.fields = fields
        self.names = tuple(item.name for item in fields)
        self.count = len(fields)
        self.required = frozenset(item.name for item in fields
                                  if item.default is MISSING and item.default_factory is MISSING)
        self.defaults = {item.name: item.default for item in fields if item.default is not MISSING}
        self.factories = {item.name: item.default_factory for item in fields
                          if item.default_factory is not MISSING}
        self.compared = tuple(item.name for item in fields if item.compare)
        self.hashed = tuple(item.name for item in fields if item.hash)
        self.compare_key = _tuple_getter(self.compared)
        self.hash_key = _tuple_getter(self.hashed)
        self.shown = tuple(item.name for item in fields if item.repr)
        self.post_init = getattr(cls, "__post_init__", None)


def _is_class_variable(annotation: object) -> bool:
    text = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", "")
    return isinstance(text, str) and (text.startswith("ClassVar") or text.startswith("typing.ClassVar"))


def _declared_fields(cls: type) -> tuple[Field, ...]:
    inherited: dict[str, Field] = {}
    for base in reversed(cls.__mro__[1:]):
        table = base.__dict__.get("__record__")
        if table is not None:
            inherited.update((item.name, item) for item in table.fields)
    for name, annotation in cls.__dict__.get("__annotations__", {}).items():  # noqa: RUF063 - own, unevaluated
        if _is_class_variable(annotation):
            continue
        declared = cls.__dict__.get(name, MISSING)
        item = declared if isinstance(declared, Field) else Field(default=declared)
        item.name = name
        if isinstance(declared, Field):
            if item.default is MISSING:
                delattr(cls, name)
            else:
                setattr(cls, name, item.default)
        inherited[name] = item
    return tuple(inherited.values())


def _init(self: Any, *args: Any, **kwargs: Any) -> None:
    table: _Table = self.__record__
    if kwargs or len(args) != table.count:
        _init_slowly(self, table, args, kwargs)
    else:  # every field given in order: the common call, made as cheap as a generic one can be
        self.__dict__.update(zip(table.names, args, strict=False))
    if table.post_init is not None:
        table.post_init(self)


def _init_slowly(record: Any, table: _Table, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """``__init__`` with keywords or defaults (or wrong arguments): defaults first, then the arguments."""
    names = table.names
    if len(args) > len(names):
        raise TypeError(f"{type(record).__name__}() takes {len(names)} arguments but {len(args)} were given")
    values = dict(table.defaults)
    if args:
        values.update(zip(names, args, strict=False))
    if kwargs:
        _check_keywords(record, names, len(args), kwargs)
        values.update(kwargs)
    for name, factory in table.factories.items():
        if name not in values:
            values[name] = factory()
    if not table.required.issubset(values):
        missing = ", ".join(repr(name) for name in names if name in table.required and name not in values)
        raise TypeError(f"{type(record).__name__}() missing required argument(s): {missing}")
    record.__dict__.update(values)


def _check_keywords(record: Any, names: tuple[str, ...], positional: int, kwargs: dict[str, Any]) -> None:
    for name in kwargs:
        if name not in names or names.index(name) < positional:
            problem = "got an unexpected keyword" if name not in names else "got multiple values for"
            raise TypeError(f"{type(record).__name__}() {problem} argument '{name}'")


def _tuple_getter(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """A function giving the named attributes of an object as a tuple (``attrgetter`` gives a bare
    value for one name, and needs at least one)."""
    if len(names) > 1:
        return operator.attrgetter(*names)
    if names:
        single = operator.attrgetter(names[0])
        return lambda value: (single(value),)
    return lambda _value: ()


def _compared(record: Any) -> tuple[Any, ...]:
    return record.__record__.compare_key(record)  # type: ignore[no-any-return]


def _eq(self: Any, other: object) -> bool:
    if other.__class__ is not self.__class__:
        return NotImplemented
    return self is other or _compared(self) == _compared(other)


def _hash(self: Any) -> int:
    return hash(self.__record__.hash_key(self))


def _repr(self: Any) -> str:
    shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__record__.shown)
    return f"{type(self).__qualname__}({shown})"


def _frozen_setattr(self: Any, name: str, value: object) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _frozen_delattr(self: Any, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field {name!r}")


def _ordering(compare: Callable[[tuple[Any, ...], tuple[Any, ...]], bool]) -> Callable[[Any, object], bool]:
    def method(self: Any, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return compare(_compared(self), _compared(other))

    return method


_ORDER = {
    "__lt__": _ordering(lambda left, right: left < right),
    "__le__": _ordering(lambda left, right: left <= right),
    "__gt__": _ordering(lambda left, right: left > right),
    "__ge__": _ordering(lambda left, right: left >= right),
}


def _own(cls: type, name: str) -> bool:
    return name in cls.__dict__


def _explicit_hash(cls: type) -> bool:
    """Whether the class body defines ``__hash__`` (not the ``None`` Python adds beside an ``__eq__``)."""
    declared = cls.__dict__.get("__hash__", MISSING)
    return declared is not MISSING and not (declared is None and "__eq__" in cls.__dict__)


def _build(cls: type, frozen: bool, eq: bool, show: bool, order: bool) -> type:
    fields = _declared_fields(cls)
    cls.__record__ = _Table(cls, fields)
    if not _own(cls, "__match_args__"):
        cls.__match_args__ = tuple(item.name for item in fields)
    if not _own(cls, "__init__"):
        cls.__init__ = _init
    if show and not _own(cls, "__repr__"):
        cls.__repr__ = _repr
    if eq and not _own(cls, "__eq__"):
        cls.__eq__ = _eq
    if eq and not _explicit_hash(cls):
        cls.__hash__ = _hash if frozen else None
    if order:
        for name, method in _ORDER.items():
            setattr(cls, name, method)
    if frozen:
        cls.__setattr__ = _frozen_setattr
        cls.__delattr__ = _frozen_delattr
    return cls


@dataclass_transform(field_specifiers=(field, Field))
def record(cls: type[RecordT] | None = None, /, *, frozen: bool = False, eq: bool = True, repr: bool = True,
           order: bool = False) -> Any:
    """Make ``cls`` a record class, as ``@dataclass`` with the same options would."""

    def wrap(target: type[RecordT]) -> type[RecordT]:
        return _build(target, frozen, eq, repr, order)  # type: ignore[return-value]

    return wrap if cls is None else wrap(cls)


def is_record(value: object) -> bool:
    """Whether ``value`` is a record class or an instance of one."""
    return hasattr(value if isinstance(value, type) else type(value), "__record__")


def fields(value: object) -> tuple[Field, ...]:
    """The fields of a record class or instance, in order."""
    cls = value if isinstance(value, type) else type(value)
    return cls.__record__.fields  # type: ignore[attr-defined,no-any-return]


def replace(value: RecordT, /, **changes: Any) -> RecordT:
    """A new record like ``value`` with some fields changed (its ``__post_init__`` runs again)."""
    current = {name: getattr(value, name) for name in type(value).__record__.names}  # type: ignore[attr-defined]
    unknown = set(changes).difference(current)
    if unknown:
        raise TypeError(f"{type(value).__name__} has no field(s) {', '.join(sorted(unknown))}")
    current.update(changes)
    return type(value)(**current)


def asdict(value: object) -> Any:
    """Records, lists, tuples and dicts turned into plain dicts, lists and tuples, recursively."""
    if is_record(value) and not isinstance(value, type):
        return {name: asdict(getattr(value, name)) for name in type(value).__record__.names}  # type: ignore[attr-defined]
    if isinstance(value, list):
        return [asdict(item) for item in value]
    if isinstance(value, tuple):
        return type(value)(*map(asdict, value)) if hasattr(value, "_fields") else tuple(map(asdict, value))
    if isinstance(value, dict):
        return {asdict(key): asdict(item) for key, item in value.items()}
    return value
