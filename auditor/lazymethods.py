"""Dataclass methods of gk-audit's own classes compiled on first use, not at import.

Why: on Python 3.11 and 3.12, ``@dataclass`` writes the source of each method it adds
(``__init__``, ``__repr__``, ``__eq__``, ``__hash__``, and for a frozen class ``__setattr__`` and
``__delattr__``) and compiles it with ``exec``: some 0.1 ms per method, six per frozen class. The
package defines about a hundred dataclasses, so a one-file ``gk-audit check`` spent a third of its
start-up compiling methods, most of which it never calls (a frozen class's ``__setattr__`` only
runs to refuse an assignment; ``__repr__`` only for a developer).

``install()`` wraps ``dataclasses._create_fn`` (the one function that compiles them) so that, for
a class defined in an ``auditor`` module, every method except ``__init__`` is first a small stand-in
that compiles the very method ``dataclasses`` would have made (same source, same globals and
locals) on its first call, puts it on the class in its own place, and calls it. From then on the
class has the method ``@dataclass`` would have given it, so behaviour and speed are unchanged; only
the compiling moves to first use. Classes of other packages get their methods as before. Python
3.13 and later compile all methods of a class at once and have no ``_create_fn``: nothing is
changed there (nor when the function's signature is not the one expected).

The methods that are compiled (every ``__init__``, and the others on first use) are compiled once
per machine: ``dataclasses`` compiles with ``exec(source)``, and the ``exec`` it is given for
``auditor`` classes looks the source up in a file of code objects compiled before (``marshal``,
as Python keeps its own bytecode), compiles what is new and adds it to the file at exit. Only
what the running Python compiled from the exact source text is ever executed, so behaviour cannot
change; the file is named by the bytecode's magic number. Since the file holds code, it is kept in
the user's own ``~/.cache/gk-audit`` (not under ``$GK_AUDIT_CACHE_DIR``, which may be shared) and
only read when it belongs to the current user and nobody else may write it (POSIX); otherwise, or
when it is damaged, every method is compiled as before.
"""

from __future__ import annotations

import atexit
import builtins
import dataclasses
import inspect
import os
import sys
from typing import Any

PACKAGE_PREFIX = "auditor"
_EAGER: list[Any] = []  # the original dataclasses._create_fn, once installed


def _expected_signature(function: Any) -> bool:
    try:
        parameters = list(inspect.signature(function).parameters)
    except (TypeError, ValueError):
        return False
    return parameters == ["name", "args", "body", "globals", "locals", "return_type"]


def install() -> None:
    """Compile the dataclass methods (but ``__init__``) of ``auditor`` classes on first use."""
    eager = getattr(dataclasses, "_create_fn", None)
    if _EAGER or eager is None or not _expected_signature(eager):
        return
    _EAGER.append(eager)
    dataclasses._create_fn = _create_fn  # type: ignore[attr-defined]
    dataclasses.exec = _exec  # type: ignore[attr-defined]  # the name _create_fn calls, found before the builtin


def _create_fn(name: str, args: Any, body: Any, *, globals: Any = None, locals: Any = None,
               return_type: Any = dataclasses.MISSING) -> Any:
    eager = _EAGER[0]
    module = (globals or {}).get("__name__") or ""
    if name == "__init__" or not (module == PACKAGE_PREFIX or module.startswith(PACKAGE_PREFIX + ".")):
        return eager(name, args, body, globals=globals, locals=locals, return_type=return_type)
    captured = dict(locals or {})  # dataclasses may reuse the dict it passed: keep a copy
    compiled: list[Any] = []

    def first_use(self: Any, *rest: Any) -> Any:
        if not compiled:
            compiled.append(eager(name, args, body, globals=globals, locals=dict(captured), return_type=return_type))
            _replace_on_class(type(self), name, first_use, compiled[0])
        return compiled[0](self, *rest)

    first_use.__name__ = name
    return first_use


def _replace_on_class(cls: type, name: str, stand_in: Any, method: Any) -> None:
    """Put ``method`` where ``stand_in`` is in ``cls``'s MRO (a base class's, when inherited).
    A stand-in wrapped by ``dataclasses`` (``__repr__``) is not found and keeps calling ``method``."""
    for klass in cls.__mro__:
        if klass.__dict__.get(name) is stand_in:
            method.__qualname__ = getattr(stand_in, "__qualname__", method.__qualname__)
            setattr(klass, name, method)
            return


# ---------------------------------------------------------------------------- compiled once per machine
_CODE: dict[str, Any] = {}  # source text -> code object, for auditor classes
_STATE: dict[str, Any] = {"loaded": False, "new": False, "file": None}


def _ours(namespace: Any) -> bool:
    module = (namespace or {}).get("__name__") or ""
    return bool(module == PACKAGE_PREFIX or module.startswith(PACKAGE_PREFIX + "."))


def _exec(source: Any, globals: Any = None, locals: Any = None) -> None:
    """``exec`` for ``dataclasses``: the source of an ``auditor`` class's method runs from the code
    compiled for that very source before, on this machine (see the module doc)."""
    if not isinstance(source, str) or not _ours(globals):
        builtins.exec(source, globals, locals)
        return
    if not _STATE["loaded"]:
        _load()
    code = _CODE.get(source)
    if code is None:
        # as ``exec(source)`` from dataclasses.py compiles it (that module has no __future__ imports)
        code = _CODE[source] = compile(source, "<string>", "exec", dont_inherit=True)
        if not _STATE["new"]:
            _STATE["new"] = True
            atexit.register(_save)
    builtins.exec(code, globals, locals)


def code_file() -> Any:
    """The file of compiled methods: in the user's own cache folder, never under
    ``$GK_AUDIT_CACHE_DIR``, which may be shared (and which the CLI and the server's workers set and
    clear while the process runs)."""
    from importlib.util import MAGIC_NUMBER
    from pathlib import Path

    name = f"{sys.implementation.cache_tag}-{MAGIC_NUMBER.hex()}.marshal"
    return Path.home() / ".cache" / "gk-audit" / "dataclass-methods" / name


def _trusted(status: os.stat_result) -> bool:
    """A code file is run only when it is the current user's own and nobody else can write it."""
    import stat

    getuid = getattr(os, "getuid", None)
    return getuid is not None and status.st_uid == getuid() and not status.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _load() -> None:
    import marshal

    _STATE["loaded"] = True
    _STATE["file"] = code_file()
    try:
        with open(_STATE["file"], "rb") as stream:
            if not _trusted(os.fstat(stream.fileno())):
                return
            stored = marshal.loads(stream.read())
        if isinstance(stored, dict):
            _CODE.update((source, code) for source, code in stored.items()
                         if isinstance(source, str) and type(code) is type(_load.__code__))
    except Exception:  # missing, damaged or foreign: compile as usual
        return


def _save() -> None:
    import marshal

    from auditor.machinecache import write_atomically

    if _STATE["new"] and getattr(os, "getuid", None) is not None:
        _STATE["new"] = False
        write_atomically(_STATE["file"] or code_file(), marshal.dumps(dict(_CODE)))
