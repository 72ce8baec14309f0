"""Errors register themselves: each class declares its code and status once, and every
error class of splice comes back over the wire as itself (over HTTP: test_wire_declared)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from errors_support import error_classes

import splice.errors
from splice import wire
from splice.errors import ERROR_MODULES, ERRORS_BY_CODE, SpliceError, ValidationError, error_class

# classes raised and handled in their own process, never answered by a server
LOCAL_ONLY = ("splice.pipeline.publish", "splice.cli", "splice.tools")


def test_errors_all_is_pinned() -> None:
    assert splice.errors.__all__ == [
        "ERRORS_BY_CODE",
        "AlreadyExistsError",
        "AuthenticationError",
        "ConflictError",
        "EngineError",
        "ForbiddenError",
        "ImmutableError",
        "KrefError",
        "NotFoundError",
        "SchemaError",
        "SpliceError",
        "ValidationError",
        "error_class",
    ]
    for name in splice.errors.__all__:
        assert hasattr(splice.errors, name), name


def test_every_class_declares_its_own_code_and_a_status() -> None:
    classes = error_classes()
    assert len(classes) >= 25  # the core's, packages', files', launcher's, hooks', publish's, CLI's
    for cls in classes:
        assert "code" in vars(cls), f"{cls.__qualname__} declares no code of its own"
        assert ERRORS_BY_CODE[cls.code] is cls, cls
        assert 400 <= cls.status < 600, cls
    codes = [cls.code for cls in classes]
    assert len(codes) == len(set(codes))


def test_the_hierarchy_drawn_in_errors_py_names_every_class() -> None:
    rows = [line.split() for line in (splice.errors.__doc__ or "").splitlines()]
    for cls in error_classes():
        assert any(cls.__name__ in row and cls.code in row for row in rows), f"draw {cls.__qualname__}"


def test_statuses_are_the_servers() -> None:
    from splice.errors import (
        AlreadyExistsError,
        AuthenticationError,
        EngineError,
        ForbiddenError,
        KrefError,
        NotFoundError,
    )
    from splice.packages.errors import PublishedVersionError

    expected = {SpliceError: 400, ValidationError: 422, KrefError: 422, NotFoundError: 404,
                AlreadyExistsError: 409, PublishedVersionError: 409, EngineError: 503,
                AuthenticationError: 401, ForbiddenError: 403}
    assert {cls: cls.status for cls in expected} == expected


def test_publish_validation_error_is_a_splice_error_with_its_fix() -> None:
    from splice.pipeline.publish import PublishValidationError

    exc = PublishValidationError("the mesh has no UVs", fix="unwrap it")
    assert isinstance(exc, SpliceError) and not isinstance(exc, ValidationError)
    assert (exc.message, exc.fix, str(exc)) == ("the mesh has no UVs", "unwrap it", "the mesh has no UVs")


def test_a_taken_code_is_refused() -> None:
    with pytest.raises(TypeError, match=r"'not_found'.*NotFoundError"):
        type("Impostor", (SpliceError,), {"code": "not_found"})
    assert ERRORS_BY_CODE["not_found"] is splice.errors.NotFoundError


@pytest.mark.parametrize("cls", error_classes(), ids=lambda c: c.__qualname__)
def test_round_trip_through_the_wire_body(cls: type[SpliceError]) -> None:
    exc = cls(f"what went wrong with {cls.__name__}, and what is allowed")
    body = json.loads(json.dumps(wire.error_body(exc.code, str(exc))))
    back = wire.error_from_body(body, cls.status)
    assert type(back) is cls
    assert str(back) == str(exc)


def test_a_fresh_process_decodes_every_error_a_server_can_send() -> None:
    """Only ``splice.wire`` imported: the error modules load when a code is unknown."""
    wanted = {c.code: f"{c.__module__}:{c.__qualname__}" for c in error_classes()
              if not c.__module__.startswith(LOCAL_ONLY)}
    assert {c.__module__ for c in error_classes()} - {"splice.errors"} <= {
        *ERROR_MODULES, *(c.__module__ for c in error_classes() if c.__module__.startswith(LOCAL_ONLY))
    }, "an error module the wire does not know: add it to splice.errors.ERROR_MODULES"
    script = (
        "import json, sys\n"
        "from splice import wire\n"
        "assert 'splice.files' not in sys.modules and 'splice.packages' not in sys.modules\n"
        "out = {}\n"
        "for code in json.loads(sys.argv[1]):\n"
        "    e = wire.error_from_body({'error': {'code': code, 'message': 'm'}}, 400)\n"
        "    out[code] = f'{type(e).__module__}:{type(e).__qualname__}'\n"
        "assert not {'dvc', 'uv', 'PySide6', 'pyblish', 'fastapi'} & set(sys.modules)\n"
        "print(json.dumps(out))\n"
    )
    done = subprocess.run([sys.executable, "-c", script, json.dumps(sorted(wanted))],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == wanted


def test_an_unknown_code_is_a_plain_splice_error() -> None:
    assert error_class("no_such_code") is SpliceError
    back = wire.error_from_body({"error": {"code": "internal", "message": "boom"}}, 500)
    assert type(back) is SpliceError and str(back) == "boom"
