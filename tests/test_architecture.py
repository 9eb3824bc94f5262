"""The layout DESIGN.md fixes: imports run downward, with no cycle, and modules stay small."""

import ast
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "assessment"
MAX_MODULE_LINES = 400  # DESIGN.md: "no module over ~400 lines"


def module_name(path: Path) -> str:
    parts = path.relative_to(APP.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def app_modules() -> dict[str, Path]:
    return {module_name(path): path for path in APP.rglob("*.py") if "migrations" not in path.parts}


def import_graph() -> dict[str, set[str]]:
    """Which app modules each app module imports, at any depth of its code."""
    modules = app_modules()
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [f"{node.module}.{alias.name}" for alias in node.names]
                # "from package import submodule" depends on the submodule; from a
                # package's own __init__ it is not a dependency on itself.
                if not any(target in modules for target in targets) and node.module != name:
                    targets.append(node.module)
            else:
                continue
            graph[name].update(target for target in targets if target in modules)
        graph[name].discard(name)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    found, state, stack = [], {}, []

    def visit(module: str) -> None:
        state[module] = "open"
        stack.append(module)
        for imported in sorted(graph[module]):
            if state.get(imported) == "open":
                found.append(stack[stack.index(imported) :] + [imported])
            elif imported not in state:
                visit(imported)
        stack.pop()
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module)
    return found


def test_the_cycle_finder_finds_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c", "a"]]


def test_the_app_imports_no_module_that_imports_it_back():
    assert cycles(import_graph()) == []


def test_the_pure_layers_import_nothing_above_them():
    graph = import_graph()
    for module, imported in graph.items():
        if module.startswith(("assessment.domain", "assessment.levels")):
            above = {
                name
                for name in imported
                if not name.startswith(("assessment.domain", "assessment.levels"))
            }
            assert above == set(), f"{module} imports {sorted(above)}"


def test_no_module_is_over_the_size_a_reader_takes_in():
    sizes = {name: len(path.read_text().splitlines()) for name, path in app_modules().items()}
    assert {name: lines for name, lines in sizes.items() if lines > MAX_MODULE_LINES} == {}
