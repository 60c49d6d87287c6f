"""The shape of the code, enforced: layers, allowed imports, no cycles (docs/architecture.md).

Read statically from the source (ast), so a forbidden import fails here even where no test
happens to execute it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ROUTE_PACKAGES = ("web.organiser", "web.portal", "web.api")
DATABASE = ("sqlmodel", "sqlalchemy", "web.models", "web.db")
HTTP = ("fastapi", "starlette", "jinja2", "jinja2_fragments", "itsdangerous.url_safe")

# Who may import which parts of web/ (the first matching prefix of a module decides).
ALLOWED: dict[str, tuple[str, ...]] = {
    "web.usecases": ("web.usecases", "web.models", "web.db"),
    "web.organiser": ("web.organiser", "web.http", "web.usecases", "web.i18n", "web.messages"),
    "web.portal": ("web.portal", "web.http", "web.usecases", "web.i18n", "web.messages"),
    "web.api": ("web.api", "web.http", "web.usecases", "web.i18n", "web.messages"),
    "web.http": (
        "web.http",
        "web.usecases",
        "web.models",
        "web.i18n",
        "web.messages",
        "web.mailing",
        "web.courier",
        "web.settings",
    ),
    "web.courier": ("web.mail", "web.models", "web.settings", "web.usecases.outbox"),
    "web.mailing": (
        "web.mail",
        "web.messages",
        "web.i18n",
        "web.settings",
        "web.models",
        "web.usecases.notifications",
        "web.usecases.outbox",
    ),
    "web.messages": ("web.i18n", "web.usecases.errors"),
    "web.app": ("web.",),
    "web.cli": (
        "web.db",
        "web.settings",
        "web.app",
        "web.messages",
        "web.usecases",
        "web.jobqueue",
    ),
    "web.jobqueue": ("web.db", "web.settings", "web.usecases", "web.courier"),
    "web.migrations": ("web.models", "web.db"),
    "web.db": (),
    "web.models": (),
    "web.settings": (),
    "web.i18n": (),
    "web.mail": (),
}


@dataclass(frozen=True)
class Import:
    module: str  # the importing module
    target: str  # what it imports (a module, or a name inside one)
    line: int


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _sources(package: str) -> Iterator[tuple[str, Path, ast.Module]]:
    for path in sorted((ROOT / package).rglob("*.py")):
        yield _module_name(path), path, ast.parse(path.read_text(), str(path))


def _is_package(module: str) -> bool:
    return (ROOT / module.replace(".", "/") / "__init__.py").exists()


def _imports(module: str, tree: ast.Module) -> Iterator[Import]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(module, alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom) and node.module:
            base = node.module
            if node.level:  # relative: resolve against this module's package
                package = module if _is_package(module) else module.rsplit(".", 1)[0]
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                base = f"{base}.{node.module}"
            for alias in node.names:
                yield Import(module, f"{base}.{alias.name}", node.lineno)


def _all_imports(package: str) -> list[Import]:
    return [i for module, _path, tree in _sources(package) for i in _imports(module, tree)]


def _resolve(target: str, modules: set[str]) -> str | None:
    """The module of ours that `target` names (a module, or a name defined in one)."""
    while target:
        if target in modules:
            return target
        target = target.rpartition(".")[0]
    return None


def _starts(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(
        name == p or name.startswith(p + ".") or (p.endswith(".") and name.startswith(p))
        for p in prefixes
    )


def test_no_import_cycle_inside_web() -> None:
    modules = {m for m, _p, _t in _sources("web")}
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for imp in _all_imports("web"):
        target = _resolve(imp.target, modules)
        # A package's __init__ importing its own submodules is not a cycle between modules.
        if target and target != imp.module and not target.startswith(imp.module + "."):
            graph[imp.module].add(target)
    cycles: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append([*stack[stack.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    assert cycles == []


def _rule(module: str) -> tuple[str, ...]:
    owner = max((p for p in ALLOWED if _starts(module, (p,))), key=len, default=None)
    assert owner is not None, (
        f"{module}: no layer in ALLOWED names it (add it there and to docs/architecture.md)"
    )
    return ALLOWED[owner]


def test_web_modules_import_only_what_their_layer_allows() -> None:
    wrong = [
        f"{i.module}:{i.line} imports {i.target}"
        for i in _all_imports("web")
        if i.target.startswith("web.") and not _starts(i.target, _rule(i.module))
    ]
    assert wrong == []


def test_use_cases_speak_no_http_and_translate_nothing() -> None:
    forbidden = (*HTTP, "web.i18n", "web.messages", "web.mailing")
    wrong = [
        f"{i.module}:{i.line} imports {i.target}"
        for i in _all_imports("web/usecases")
        if _starts(i.target, forbidden)
    ]
    assert wrong == []


@pytest.mark.parametrize("package", [p.replace(".", "/") for p in ROUTE_PACKAGES])
def test_routes_never_touch_the_database(package: str) -> None:
    """No sqlmodel/sqlalchemy, no table classes, no session opened or used in a route module:
    they hand the request's `db` to use cases and nothing else."""
    wrong = [
        f"{i.module}:{i.line} imports {i.target}"
        for i in _all_imports(package)
        if _starts(i.target, DATABASE)
    ]
    for module, _path, tree in _sources(package):
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "Session"
            ):
                wrong.append(f"{module}:{node.lineno} opens a database session")
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "db"
            ):
                wrong.append(f"{module}:{node.lineno} uses db.{node.attr} itself")
    assert wrong == []


@pytest.mark.parametrize("package", ["organiser", "portal"])
def test_route_packages_render_their_own_templates(package: str) -> None:
    wrong = []
    for module, _path, tree in _sources(f"web/{package}"):
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                name = node.value
                if name.endswith(".html") and not name.startswith((f"{package}/", "shared/")):
                    wrong.append(f"{module}:{node.lineno} renders {name}")
    assert wrong == []


def test_scheduler_imports_no_web_code() -> None:
    wrong = [
        f"{i.module}:{i.line} imports {i.target}"
        for i in _all_imports("scheduler")
        if _starts(i.target, ("web", "bench", *DATABASE, *HTTP))
    ]
    assert wrong == []


def test_every_message_code_has_a_text() -> None:
    """A `Msg("code")` in a use case is a key of the message catalogue."""
    from web.messages import CATALOGUE

    unknown = []
    for package in ("web/usecases", "web/organiser", "web/portal", "web/api"):
        for module, _path, tree in _sources(package):
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name)
                    and node.func.id == "Msg"
                    and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and node.args[0].value not in CATALOGUE
                ):
                    unknown.append(f"{module}:{node.lineno} {node.args[0].value!r}")
    assert unknown == []
