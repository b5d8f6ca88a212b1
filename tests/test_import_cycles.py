"""No import cycle among the project's own modules.

Every import counts, those inside functions too: an import moved into a function
to dodge a cycle is still a cycle, only a later one. The modules are read with
`ast`, not imported, so the test sees what the code says.
"""

import ast
from pathlib import Path

from django.apps import apps
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)


def project_packages():
    """riskregister and every installed app that lives in this repository."""
    packages = {"riskregister"}
    for config in apps.get_app_configs():
        if Path(config.path).resolve().parent == BASE_DIR.resolve():
            packages.add(config.name)
    return sorted(packages)


def project_modules():
    modules = {}
    for package in project_packages():
        for path in (BASE_DIR / package).rglob("*.py"):
            parts = path.relative_to(BASE_DIR).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            modules[name] = path
    return modules


def imported_names(path, module_name):
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module_name.split(".")
                base = base[: len(base) - node.level + (1 if is_package else 0)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module
            for alias in node.names:
                yield f"{source}.{alias.name}"  # a submodule, or a name in `source`
            yield source


def import_graph():
    modules = project_modules()
    graph = {}
    for name, path in modules.items():
        targets = set()
        for imported in imported_names(path, name):
            # The longest project module the import names (a name imported from a
            # module is an edge to that module).
            while imported and imported not in modules:
                imported = imported.rpartition(".")[0]
            # A module's own package (its __init__) runs before it: not an edge.
            if imported and imported != name and not name.startswith(imported + "."):
                targets.add(imported)
        graph[name] = targets
    return graph


def find_cycle(graph):
    """One cycle as a list of modules (first == last), or None."""
    state, stack = {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == "open":
                return stack[stack.index(target):] + [target]
            if target not in state:
                found = visit(target)
                if found:
                    return found
        stack.pop()
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def test_the_walk_sees_the_project():
    graph = import_graph()
    assert {"riskregister.tracking", "risks.services", "controls.services", "reports.services"} <= set(graph)
    assert "controls.services" in graph["risks.services"]
    assert "riskregister.tracking" in graph["controls.services"]


def test_a_cycle_is_found():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_cycle_among_project_modules():
    cycle = find_cycle(import_graph())
    assert cycle is None, "Import cycle: " + " -> ".join(cycle)


# The exceptions: tamper evidence. Filling the chains must use the digests the
# verify commands check with, and the publication triggers are the ones the app
# puts back after every migrate: each has one definition, and a frozen copy
# would disagree with it as soon as the definition changed.
MIGRATIONS_MAY_IMPORT = ("riskregister.history_chain", "riskregister.chaining", "publications.chain",
                         "publications.triggers")


def test_migrations_import_no_project_code():
    """A migration is history: it keeps frozen copies of what it needs, so changing the
    project's code later never changes what an old migration does."""
    project = set(project_packages())
    for name, path in project_modules().items():
        if ".migrations." not in name:
            continue
        imported = {target.split(".")[0] for target in imported_names(path, name)
                    if not target.startswith(MIGRATIONS_MAY_IMPORT) and target != "publications"}
        assert not imported & project, f"{name} imports {sorted(imported & project)}"
