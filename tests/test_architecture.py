"""The layering of the apps (docs/architecture.md), read from the source with ``ast``.

``catalog`` is the base: it imports none of the other apps and names none of them; they plug
in through ``catalog.extensions``. No app assigns attributes on another app's classes, and the
apps import each other without cycles. The apps are found from ``INSTALLED_APPS``, the modules
by walking each app's folder, so a new app or module is covered without editing this file.
"""

import ast
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
BASE = "catalog"


def project_apps() -> list[str]:
    """The apps of this repository (not Django's or third parties')."""
    return [c.label for c in apps.get_app_configs() if Path(c.path).resolve().parent == ROOT.resolve()]


def modules(app: str):
    """(path, tree) of every Python module of ``app``, tests and migrations aside."""
    for path in sorted((ROOT / app).rglob("*.py")):
        parts = path.relative_to(ROOT / app).parts
        if parts[0] in ("tests", "migrations"):
            continue
        yield path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def imported_modules(tree: ast.AST, package: str) -> list[tuple[int, str]]:
    """(line, dotted name) of every import in ``tree``, at module level or inside functions."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: inside the same app
                found.append((node.lineno, package))
            else:
                found.append((node.lineno, node.module or ""))
    return found


def app_of(dotted: str, labels) -> str | None:
    head = dotted.split(".", 1)[0]
    return head if head in labels else None


def names_app(text: str, label: str) -> bool:
    """A string that names an app: the label itself, or a dotted path, URL name or template
    path that starts with it ("people.resources.X", "people:person_list", "people/x.html")."""
    return re.fullmatch(rf"{label}([.:/].*)?", text, flags=re.DOTALL) is not None


def test_apps_are_found():
    assert {"catalog", "people", "screenings", "streaming"} <= set(project_apps())


def test_catalog_imports_no_other_app():
    others = set(project_apps()) - {BASE}
    offences = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for path, tree in modules(BASE)
        for line, name in imported_modules(tree, BASE)
        if app_of(name, others)
    ]
    assert offences == []


def test_catalog_names_no_other_app_in_a_string():
    others = set(project_apps()) - {BASE}
    offences = [
        f"{path.relative_to(ROOT)}:{node.lineno} names {node.value!r}"
        for path, tree in modules(BASE)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
        for label in others
        if names_app(node.value, label)
    ]
    assert offences == []


LOAD = re.compile(r"{%\s*load\s+([^%]+?)\s*%}")


def tag_libraries(app: str) -> set[str]:
    folder = ROOT / app / "templatetags"
    return {p.stem for p in folder.glob("*.py") if p.stem != "__init__"} if folder.is_dir() else set()


def test_catalog_templates_load_no_other_app_tag_library():
    others = set(project_apps()) - {BASE}
    foreign = {library: app for app in others for library in tag_libraries(app)}
    folders = [ROOT / "templates" / BASE, ROOT / BASE / "templates"]
    offences = []
    for folder in folders:
        for path in sorted(folder.rglob("*.html")) if folder.is_dir() else []:
            for match in LOAD.finditer(path.read_text(encoding="utf-8")):
                words = match.group(1).split()
                libraries = words[words.index("from") + 1 :] if "from" in words else words
                offences += [
                    f"{path.relative_to(ROOT)} loads {lib} ({foreign[lib]})" for lib in libraries if lib in foreign
                ]
    assert offences == []


def test_no_app_assigns_attributes_on_another_apps_classes():
    labels = set(project_apps())
    offences = []
    for app in labels:
        for path, tree in modules(app):
            foreign = {
                alias.asname or alias.name
                for node in ast.walk(tree)
                if isinstance(node, ast.ImportFrom) and not node.level and app_of(node.module or "", labels - {app})
                for alias in node.names
            }
            for node in ast.walk(tree):
                targets = []
                if isinstance(node, ast.Assign):
                    targets = node.targets
                elif isinstance(node, ast.AugAssign | ast.AnnAssign):
                    targets = [node.target]
                elif isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("setattr", "delattr"):
                    targets = [ast.Attribute(value=node.args[0], attr="?")] if node.args else []
                for target in targets:
                    if isinstance(target, ast.Attribute) and getattr(target.value, "id", None) in foreign:
                        offences.append(f"{path.relative_to(ROOT)}:{node.lineno} sets {target.value.id}.{target.attr}")
    assert offences == []


def app_graph() -> dict[str, set[str]]:
    labels = set(project_apps())
    graph = {app: set() for app in labels}
    for app in labels:
        for _path, tree in modules(app):
            for _line, name in imported_modules(tree, app):
                other = app_of(name, labels)
                if other and other != app:
                    graph[app].add(other)
    return graph


def test_no_import_cycle_between_apps():
    graph = app_graph()
    cycles = []

    def visit(app, trail):
        for other in sorted(graph[app]):
            if other in trail:
                cycles.append(" → ".join([*trail[trail.index(other) :], other]))
            else:
                visit(other, [*trail, other])

    for app in sorted(graph):
        visit(app, [app])
    assert cycles == []


@pytest.mark.parametrize(
    ("text", "label", "expected"),
    [
        ("people", "people", True),
        ("people.resources.PersonResource", "people", True),
        ("people:person_list", "people", True),
        ("people/includes/title_credits.html", "people", True),
        ("Credits of people and organisations", "people", False),
        ("peoples", "people", False),
    ],
)
def test_names_app_reads_paths_not_prose(text, label, expected):
    assert names_app(text, label) is expected
