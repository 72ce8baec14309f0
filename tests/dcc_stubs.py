"""Stub-checked stand-ins for ``maya.cmds``, ``hou`` and ``nuke``: every call is checked
against the signature the public stub packages give (``maya-stubs``, ``types-houdini``,
``types-nuke``, in the ``dev`` extra).

:class:`Stubs` reads ``.pyi`` files with :mod:`ast` (nothing is imported) and checks a call:
its arguments must bind to the stub's signature (an unknown flag or a missing argument
fails) and each value must match the annotation where the stub gives one (``bool``,
``str``, ``Union``, ``Optional``, ``List``, ``Tuple``, ``Callable``, the stub's own
aliases such as Maya's ``Queryable[str]``; a stub class means a fake of that class or
a subclass). A name the stub imports from elsewhere (``pxr``, ``_nukemath``) is not
checked. :func:`fake_module` and :meth:`Stubs.wrap` give modules and objects whose
every attribute must exist in the stub; the call goes on to a plain Python object that
keeps the fake application's state. Violations raise :class:`StubViolation` *and* are
kept in :attr:`Stubs.violations`, so one swallowed by pyblish still fails the test.
"""

from __future__ import annotations

import ast
import builtins
import importlib.machinery
import inspect
import sys
import types
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

__all__ = ["Call", "StubViolation", "Stubs", "fake_module", "stub_dir"]

Check = Callable[[Any], bool]


class StubViolation(AssertionError):
    """A call the real application would refuse: not in the stub, or not its signature."""


@dataclass
class Call:
    """One checked call: ``cmds.file``, ``OpNode.createNode`` (``target``: the object's label)."""

    name: str
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    target: str | None = None


def stub_dir(package: str) -> Path:
    """The folder of an installed stub package (``maya-stubs``…) on ``sys.path``."""
    for entry in sys.path:
        folder = Path(entry or ".") / package
        if folder.is_dir():
            return folder
    raise RuntimeError(f"{package} is not installed: uv pip install -e '.[dev]'")


@dataclass
class _Sig:
    signature: inspect.Signature
    checks: dict[str, tuple[Check, str]]


@dataclass
class _Class:
    bases: list[str]
    methods: dict[str, list[_Sig]] = field(default_factory=dict)
    attributes: set[str] = field(default_factory=set)


_SEQUENCES = {"List", "list", "Sequence", "Iterable", "Collection", "Set", "set", "FrozenSet", "Iterator"}
_MAPPINGS = {"Dict", "dict", "Mapping", "MutableMapping"}
_TUPLES = {"Tuple", "tuple"}
_ANY = {"Any", "Unknown", "Incomplete", "object", "Self", "TypeAlias"}
_PRIMITIVES: dict[str, Check] = {
    "str": lambda v: isinstance(v, str),
    "bool": lambda v: isinstance(v, bool),
    "int": lambda v: isinstance(v, int),  # bool is an int, as for the type checkers
    "float": lambda v: isinstance(v, (int, float)),  # PEP 484's numeric tower
    "bytes": lambda v: isinstance(v, bytes),
    "complex": lambda v: isinstance(v, (int, float, complex)),
}


class Stubs:
    """The functions, classes, aliases and constants of a set of ``.pyi`` files (one namespace)."""

    def __init__(self, label: str, sources: Iterable[str]) -> None:
        self.label = label
        self.functions: dict[str, list[_Sig]] = {}
        self.classes: dict[str, _Class] = {}
        self.constants: set[str] = set()
        self.calls: list[Call] = []
        self.violations: list[str] = []
        self._aliases: dict[str, tuple[list[str], ast.expr]] = {}
        self._typevars: set[str] = set()
        self._fakes: dict[str, type] = {}
        trees = [ast.parse(source) for source in sources]
        for tree in trees:  # names first: annotations may use a later alias
            self._collect_names(tree)
        for tree in trees:
            self._collect_signatures(tree)

    # -- reading the stubs ------------------------------------------------------------
    def _collect_names(self, tree: ast.Module) -> None:
        for node in tree.body:
            if (
                isinstance(node, ast.Assign)
                and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)
            ):
                name, value = node.targets[0].id, node.value
                if (
                    isinstance(value, ast.Call)
                    and isinstance(value.func, ast.Name)
                    and value.func.id == "TypeVar"
                ):
                    self._typevars.add(name)
                else:
                    self._aliases[name] = ([], value)
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                if node.value is not None and ast.unparse(node.annotation) == "TypeAlias":
                    self._aliases[node.target.id] = ([], node.value)
                else:
                    self.constants.add(node.target.id)
            elif isinstance(node, ast.ClassDef):
                self.classes[node.name] = _Class([ast.unparse(b) for b in node.bases])
        for name, (_, value) in list(self._aliases.items()):
            params = sorted(
                {n.id for n in ast.walk(value) if isinstance(n, ast.Name) and n.id in self._typevars}
            )
            self._aliases[name] = (params, value)

    def _collect_signatures(self, tree: ast.Module) -> None:
        for node in tree.body:
            if isinstance(node, ast.FunctionDef):
                self.functions.setdefault(node.name, []).append(self._signature(node, method=False))
            elif isinstance(node, ast.ClassDef):
                spec = self.classes[node.name]
                for item in node.body:
                    if isinstance(item, ast.FunctionDef):
                        decorators = {ast.unparse(d) for d in item.decorator_list}
                        method = "staticmethod" not in decorators
                        spec.methods.setdefault(item.name, []).append(self._signature(item, method=method))
                    elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                        spec.attributes.add(item.target.id)

    def _signature(self, node: ast.FunctionDef, *, method: bool) -> _Sig:
        a, params, checks = node.args, [], {}
        positional = [*a.posonlyargs, *a.args]
        defaults = [None] * (len(positional) - len(a.defaults)) + list(a.defaults)
        kinds = [inspect.Parameter.POSITIONAL_ONLY] * len(a.posonlyargs) + [
            inspect.Parameter.POSITIONAL_OR_KEYWORD
        ] * len(a.args)
        entries = list(zip(positional, kinds, defaults, strict=True))
        if method and entries:
            entries = entries[1:]  # self / cls
        for arg, kind, default in entries:
            params.append(self._param(arg, kind, default is not None, checks))
        if a.vararg:
            params.append(self._param(a.vararg, inspect.Parameter.VAR_POSITIONAL, False, checks))
        for arg, default in zip(a.kwonlyargs, a.kw_defaults, strict=True):
            params.append(self._param(arg, inspect.Parameter.KEYWORD_ONLY, default is not None, checks))
        if a.kwarg:
            params.append(self._param(a.kwarg, inspect.Parameter.VAR_KEYWORD, False, checks))
        return _Sig(inspect.Signature(params), checks)

    def _param(self, arg: ast.arg, kind: Any, has_default: bool, checks: dict[str, tuple[Check, str]]) -> Any:
        if arg.annotation is not None:
            checks[arg.arg] = (self.check_for(arg.annotation), ast.unparse(arg.annotation))
        default = None if has_default else inspect.Parameter.empty
        if kind in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD):
            default = inspect.Parameter.empty
        return inspect.Parameter(arg.arg, kind, default=default)

    # -- annotations to checks ---------------------------------------------------------
    def check_for(self, node: ast.expr | None, env: Mapping[str, Check] | None = None) -> Check:
        """A predicate for values of the annotation ``node`` (TypeVars bound in ``env``)."""
        env = env or {}
        if node is None:
            return lambda v: True
        if isinstance(node, ast.Constant):
            if node.value is None:
                return lambda v: v is None
            if isinstance(node.value, str):  # a forward reference
                return self.check_for(ast.parse(node.value, mode="eval").body, env)
            return lambda v: True
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            return _union([self.check_for(node.left, env), self.check_for(node.right, env)])
        if isinstance(node, ast.Attribute):
            return self._named(node.attr, env) if ast.unparse(node.value) == "typing" else (lambda v: True)
        if isinstance(node, ast.Name):
            return self._named(node.id, env)
        if isinstance(node, ast.Subscript):
            return self._subscript(node, env)
        return lambda v: True

    def _named(self, name: str, env: Mapping[str, Check]) -> Check:
        if name in env:
            return env[name]
        if name in _ANY or name in self._typevars:
            return lambda v: True
        if name in _PRIMITIVES:
            return _PRIMITIVES[name]
        if name in self._aliases:
            return self.check_for(self._aliases[name][1], env)
        if name in self.classes:
            return lambda v, name=name: self.is_instance(v, name)
        if name == "None":
            return lambda v: v is None
        if name == "Callable":
            return callable
        if name in _SEQUENCES or name in _TUPLES:
            return lambda v: isinstance(v, (list, tuple, set, frozenset))
        if name in _MAPPINGS:
            return lambda v: isinstance(v, Mapping)
        return lambda v: True  # a class from another module: not checked

    def _subscript(self, node: ast.Subscript, env: Mapping[str, Check]) -> Check:
        base = ast.unparse(node.value).removeprefix("typing.")
        items = list(node.slice.elts) if isinstance(node.slice, ast.Tuple) else [node.slice]
        if base == "Optional":
            return _union([self.check_for(items[0], env), lambda v: v is None])
        if base == "Union":
            return _union([self.check_for(i, env) for i in items])
        if base == "Literal":
            values = [ast.literal_eval(i) for i in items]
            return lambda v: v in values
        if base in ("Callable", "Type", "type"):
            return callable
        if base in _SEQUENCES:
            inner = self.check_for(items[0], env)
            return lambda v: isinstance(v, (list, tuple, set, frozenset)) and all(inner(x) for x in v)
        if base in _TUPLES:
            if len(items) == 2 and isinstance(items[1], ast.Constant) and items[1].value is Ellipsis:
                inner = self.check_for(items[0], env)
                return lambda v: isinstance(v, (tuple, list)) and all(inner(x) for x in v)
            each = [self.check_for(i, env) for i in items]
            return lambda v: (
                isinstance(v, (tuple, list))
                and len(v) == len(each)
                and all(c(x) for c, x in zip(each, v, strict=True))
            )
        if base in _MAPPINGS:
            key, value = self.check_for(items[0], env), self.check_for(items[-1], env)
            return lambda v: isinstance(v, Mapping) and all(key(k) and value(x) for k, x in v.items())
        if base in self._aliases:
            params, value = self._aliases[base]
            bound = dict(env)
            bound.update({p: self.check_for(i, env) for p, i in zip(params, items, strict=False)})
            return self.check_for(value, bound)
        return self._named(base, env)

    # -- classes and their fakes --------------------------------------------------------
    def mro(self, name: str) -> list[str]:
        """``name`` and its stub base classes, nearest first."""
        order, todo = [], [name]
        while todo:
            current = todo.pop(0)
            if current in self.classes and current not in order:
                order.append(current)
                todo.extend(self.classes[current].bases)
        return order

    def is_instance(self, value: Any, name: str) -> bool:
        return isinstance(value, _StubObject) and name in self.mro(value._stub_class)

    def method(self, class_name: str, name: str) -> list[_Sig] | None:
        for cls in self.mro(class_name):
            if name in self.classes[cls].methods:
                return self.classes[cls].methods[name]
        return None

    def fake_class(self, name: str) -> type:
        """A Python class standing for the stub class ``name`` (exceptions stay exceptions)."""
        if name in self._fakes:
            return self._fakes[name]
        if name not in self.classes:
            raise AttributeError(f"{self.label} has no class {name!r} (not in the stub)")
        bases: list[type] = []
        for base in self.classes[name].bases:
            if base in self.classes:
                bases.append(self.fake_class(base))
            elif isinstance(getattr(builtins, base, None), type):
                bases.append(getattr(builtins, base))
        fake = type(name, tuple(bases) or (_StubObject,), {"_stubs": self})
        if not issubclass(fake, BaseException) and not issubclass(fake, _StubObject):
            fake = type(name, (*bases, _StubObject), {"_stubs": self})
        self._fakes[name] = fake
        return fake

    def wrap(self, class_name: str, impl: Any, label: str | None = None) -> Any:
        """A fake instance of the stub class ``class_name`` whose methods go to ``impl``."""
        obj = object.__new__(self.fake_class(class_name))
        object.__setattr__(obj, "_stub_class", class_name)
        object.__setattr__(obj, "_impl", impl)
        object.__setattr__(obj, "_label", label)
        return obj

    # -- checking a call ----------------------------------------------------------------
    def check(self, name: str, sigs: Sequence[_Sig], args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        """Raise StubViolation unless one signature of ``sigs`` accepts the call."""
        problems = []
        for sig in sigs:
            try:
                bound = sig.signature.bind(*args, **kwargs)
            except TypeError as exc:
                problems.append(str(exc))
                continue
            bad = []
            for param, value in bound.arguments.items():
                if param not in sig.checks:
                    continue
                check, text = sig.checks[param]
                kind = sig.signature.parameters[param].kind
                values = (
                    list(value)
                    if kind is inspect.Parameter.VAR_POSITIONAL
                    else list(value.values())
                    if kind is inspect.Parameter.VAR_KEYWORD
                    else [value]
                )
                bad += [f"{param}={v!r} is not {text}" for v in values if not check(v)]
            if not bad:
                return
            problems.append("; ".join(bad))
        shown = ", ".join([*(repr(a) for a in args), *(f"{k}={v!r}" for k, v in kwargs.items())])
        message = f"{self.label}: {name}({shown}) does not match the stub: {' | '.join(problems)}"
        self.violations.append(message)
        raise StubViolation(message)

    def checked(
        self, name: str, sigs: Sequence[_Sig], impl: Callable[..., Any], target: str | None = None
    ) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            self.check(name, sigs, args, kwargs)
            self.calls.append(Call(name, args, kwargs, target))
            return impl(*args, **kwargs)

        return call

    def called(self, name: str) -> list[Call]:
        """The recorded calls of ``name`` (``file``, ``OpNode.createNode``…), in order."""
        return [c for c in self.calls if c.name == name or c.name.endswith(f".{name}")]

    def reset(self) -> None:
        """Forget the calls and violations (one Stubs is read once and reused by many tests)."""
        self.calls.clear()
        self.violations.clear()

    def refuse(self, message: str) -> None:
        """A value the application refuses although its type is right (an unknown node type)."""
        self.violations.append(f"{self.label}: {message}")
        raise StubViolation(f"{self.label}: {message}")


def _union(checks: list[Check]) -> Check:
    return lambda v: any(c(v) for c in checks)


class _StubObject:
    """An instance of a stub class: each attribute must be a method of that class in the stub."""

    _stubs: Stubs
    _stub_class: str
    _impl: Any
    _label: str | None

    def __getattr__(self, name: str) -> Any:
        sigs = self._stubs.method(self._stub_class, name)
        if sigs is None:
            message = f"{self._stubs.label}: {self._stub_class} has no method {name!r} (not in the stub)"
            self._stubs.violations.append(message)
            raise AttributeError(message)
        impl = getattr(self._impl, name, None)
        if impl is None:
            raise NotImplementedError(f"the fake {self._stub_class} does not model {name}()")
        return self._stubs.checked(f"{self._stub_class}.{name}", sigs, impl, self._label)

    def __getitem__(self, key: Any) -> Any:
        return self.__getattr__("__getitem__")(key)

    def __enter__(self) -> Any:
        return self.__getattr__("__enter__")()

    def __exit__(self, *exc: Any) -> Any:
        return self.__getattr__("__exit__")(*exc)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _StubObject) and other._impl is self._impl

    def __hash__(self) -> int:
        return id(self._impl)

    def __repr__(self) -> str:
        return f"<fake {self._stub_class} {self._label or ''}>"


def fake_module(
    name: str, stubs: Stubs, impl: Any, extras: Mapping[str, Any] | None = None
) -> types.ModuleType:
    """A module ``name`` whose functions are the stub's, checked, then run by ``impl``; its
    classes are :meth:`Stubs.fake_class`; ``extras`` adds attributes (sub-objects, constants)."""
    module = types.ModuleType(name)
    module.__spec__ = importlib.machinery.ModuleSpec(name, None)  # importlib.util.find_spec looks at it
    extra = dict(extras or {})

    def __getattr__(attr: str) -> Any:
        if attr in extra:
            return extra[attr]
        if attr in stubs.functions:
            target = getattr(impl, attr, None)
            if target is None:
                raise NotImplementedError(f"the fake {name} does not model {attr}()")
            return stubs.checked(attr, stubs.functions[attr], target)
        if attr in stubs.classes:
            return stubs.fake_class(attr)
        if attr in stubs.constants and hasattr(impl, attr):
            return getattr(impl, attr)
        if attr.startswith("__"):
            raise AttributeError(attr)
        message = f"{stubs.label}: module {name} has no attribute {attr!r} (not in the stub)"
        stubs.violations.append(message)
        raise AttributeError(message)

    module.__getattr__ = __getattr__  # type: ignore[method-assign]  # PEP 562
    return module


@cache
def read(package: str, *relative: str) -> tuple[str, ...]:
    """The text of stub files of an installed stub package, read once per test session."""
    folder = stub_dir(package)
    return tuple((folder / r).read_text(encoding="utf-8") for r in relative)
