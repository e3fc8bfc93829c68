"""auditor.records behaves as ``dataclasses`` does for the options the package uses."""

from __future__ import annotations

import dataclasses
import pickle
from typing import ClassVar

import pytest

from auditor import records
from auditor.records import FrozenInstanceError, field, record


@record(frozen=True)
class Point:
    """A frozen record with a default and a factory field left out of comparison."""

    x: int
    y: int = 0
    notes: list[str] = field(default_factory=list, compare=False)
    LIMIT: ClassVar[int] = 10


@record
class Mutable:
    value: int


@record(eq=False, repr=False)
class Plain:
    value: int


@record(frozen=True)
class Point3(Point):
    z: int = 0


@record
class Counted:
    items: list[int]
    total: int = 0

    def __post_init__(self) -> None:
        self.total = sum(self.items)


@record(frozen=True, order=True)
class Ordered:
    rank: int
    name: str = field(default="", compare=False)


@dataclasses.dataclass(frozen=True)
class StdPoint:
    x: int
    y: int = 0
    notes: list[str] = dataclasses.field(default_factory=list, compare=False)


def test_arguments_defaults_and_factories() -> None:
    assert (Point(1).x, Point(1).y, Point(1).notes) == (1, 0, [])
    assert Point(1, notes=["a"]).notes == ["a"] and Point(1).notes is not Point(1).notes
    assert Point(y=2, x=1) == Point(1, 2)
    assert Point.LIMIT == 10 and [item.name for item in records.fields(Point)] == ["x", "y", "notes"]
    assert Point.__match_args__ == ("x", "y", "notes")


@pytest.mark.parametrize("call", [lambda: Point(), lambda: Point(1, 2, [], 4), lambda: Point(1, x=2),
                                  lambda: Point(1, w=2)])
def test_wrong_arguments_are_refused_as_dataclasses_refuse_them(call) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(TypeError):
        call()


def test_equality_hash_and_repr_match_dataclasses() -> None:
    assert Point(1, 2, ["a"]) == Point(1, 2, ["b"])  # notes are not compared
    assert hash(Point(1, 2, ["a"])) == hash(Point(1, 2, ["b"]))
    assert Point(1) != Point(2) and Point(1) != Point3(1)  # another class is never equal
    assert repr(Point(1, 2)) == repr(StdPoint(1, 2)).replace("StdPoint", "Point")
    assert Mutable(1) == Mutable(1)
    with pytest.raises(TypeError):
        hash(Mutable(1))  # eq without frozen: unhashable, as a dataclass
    plain = Plain(1)
    assert plain != Plain(1) and plain == plain and isinstance(hash(plain), int)  # eq=False: identity
    assert repr(plain).startswith("<")


def test_frozen_records_refuse_assignment() -> None:
    point = Point(1)
    with pytest.raises(FrozenInstanceError):
        point.x = 2  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del point.x  # type: ignore[misc]
    mutable = Mutable(1)
    mutable.value = 2
    assert mutable.value == 2


def test_inheritance_post_init_and_order() -> None:
    assert Point3(1, 2, [], 3).z == 3 and Point3(1, z=5) == Point3(1, 0, [], 5)
    assert Counted([1, 2, 3]).total == 6
    assert sorted([Ordered(3, "c"), Ordered(1, "a")]) == [Ordered(1), Ordered(3)]
    assert Ordered(1, "a") <= Ordered(1, "b") and not Ordered(1) < Ordered(1)


def test_replace_asdict_and_pickle() -> None:
    point = Point(1, 2, ["a"])
    moved = records.replace(point, y=5)
    assert (moved.x, moved.y, moved.notes) == (1, 5, ["a"]) and point.y == 2
    assert records.replace(Counted([1]), items=[4, 5]).total == 9  # __post_init__ runs again
    with pytest.raises(TypeError):
        records.replace(point, w=1)
    assert records.asdict(Point3(1, notes=["a"])) == {"x": 1, "y": 0, "notes": ["a"], "z": 0}
    assert records.asdict({"k": (Mutable(1),)}) == {"k": ({"value": 1},)}
    assert pickle.loads(pickle.dumps(point)) == point
    assert records.is_record(point) and records.is_record(Point) and not records.is_record(StdPoint(1))


def _record_classes_with_their_own_init() -> list[type]:
    import importlib
    import pkgutil

    import auditor

    found = []
    for module_info in pkgutil.walk_packages(auditor.__path__, "auditor."):
        try:
            module = importlib.import_module(module_info.name)
        except ImportError:  # an optional extra (server, PDF) that is not installed
            continue
        found += [value for value in vars(module).values()
                  if isinstance(value, type) and value.__module__ == module.__name__ and records.is_record(value)
                  and value.__dict__.get("__init__", records._init) is not records._init]
    return found


def test_a_written_out_init_takes_the_fields_in_order_with_their_defaults() -> None:
    """A hot record class may write its ``__init__`` out (the shared one is slower): it must keep
    the declared fields, in order, with the same defaults (a factory's default is None)."""
    import inspect

    classes = _record_classes_with_their_own_init()
    assert len(classes) >= 4
    for cls in classes:
        parameters = list(inspect.signature(cls.__init__).parameters.values())[1:]
        assert [parameter.name for parameter in parameters] == [item.name for item in records.fields(cls)], cls
        for parameter, item in zip(parameters, records.fields(cls), strict=True):
            expected = None if item.default_factory is not records.MISSING else item.default
            actual = records.MISSING if parameter.default is inspect.Parameter.empty else parameter.default
            assert actual == expected, (cls, item.name)
