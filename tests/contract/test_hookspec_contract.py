"""Every hookspec is documented in code, referenced in the README's plugin author's guide, and tested.

Convention for "tested": a test function named ``test_hook_<hookname>`` or
``test_hook_<hookname>_<something>`` exists somewhere under ``tests/contract/``.
"""
import ast
import inspect
import re
from pathlib import Path

from core import hookspecs
from core.hookspecs import HOOK_NAMES

CONTRACT_DIR = Path(__file__).resolve().parent
README = CONTRACT_DIR.parents[1] / "README.md"
GUIDE_HEADING = "## Plugin author's guide"


def spec(name: str):
    return getattr(hookspecs, name)


def guide_section() -> str:
    """The text of the README's plugin author's guide, up to the next level-2 heading."""
    assert README.is_file(), f"{README} is missing; it must hold the section {GUIDE_HEADING!r}"
    lines = README.read_text(encoding="utf-8").splitlines()
    starts = [i for i, line in enumerate(lines) if line.strip() == GUIDE_HEADING]
    assert starts, f"README.md has no section {GUIDE_HEADING!r}"
    section = []
    for line in lines[starts[0] + 1:]:
        if line.startswith("## "):
            break
        section.append(line)
    return "\n".join(section)


def hook_tests_in(sources: dict[str, str]) -> dict[str, list[str]]:
    """``{hook: [test functions]}`` from ``{file name: Python source}``, read with ``ast``."""
    found: dict[str, list[str]] = {name: [] for name in HOOK_NAMES}
    for filename, source in sources.items():
        for node in ast.walk(ast.parse(source, filename=filename)):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for hook in HOOK_NAMES:
                prefix = f"test_hook_{hook}"
                if node.name == prefix or node.name.startswith(prefix + "_"):
                    found[hook].append(f"{filename}::{node.name}")
    return found


def contract_sources() -> dict[str, str]:
    return {str(p.relative_to(CONTRACT_DIR)): p.read_text(encoding="utf-8")
            for p in sorted(CONTRACT_DIR.rglob("test_*.py"))}


def hooks_in_backticks(markdown: str) -> set[str]:
    """Identifiers that appear inside inline code spans (`` `dashboard_cards(...)` `` counts)."""
    spans = re.findall(r"`+([^`\n]+?)`+", markdown)
    return {word for span in spans for word in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", span)}


def test_the_hookspecs_are_found():
    expected = {"register_admin_views", "register_blueprints", "register_cli", "demo_data", "on_unit_enabled",
                "on_unit_disabled", "handle_event", "report_sections", "report_metrics", "dashboard_cards"}
    assert expected <= set(HOOK_NAMES)
    for name in HOOK_NAMES:
        assert hasattr(spec(name), "cchc_spec"), f"{name} is not marked with @hookspec"


def test_every_hookspec_has_a_docstring():
    missing = [name for name in HOOK_NAMES if len(inspect.getdoc(spec(name)) or "") < 40]
    assert not missing, f"hookspecs without a real docstring (when it is called, arguments, result): {missing}"


def test_every_hookspec_is_typed():
    untyped = []
    for name in HOOK_NAMES:
        signature = inspect.signature(spec(name))
        if signature.return_annotation is inspect.Signature.empty:
            untyped.append(f"{name} -> ?")
        untyped += [f"{name}({p})" for p, param in signature.parameters.items()
                    if param.annotation is inspect.Parameter.empty]
    assert not untyped, f"hookspecs with untyped arguments or results: {untyped}"


def test_every_hook_is_in_the_readme_plugin_authors_guide():
    named = hooks_in_backticks(guide_section())
    missing = [name for name in HOOK_NAMES if name not in named]
    assert not missing, f"hooks missing (in backticks) from README.md {GUIDE_HEADING!r}: {missing}"


def test_every_hook_has_a_test_of_its_own():
    found = hook_tests_in(contract_sources())
    untested = [hook for hook, tests in found.items() if not tests]
    assert not untested, (f"hooks without a test named test_hook_<hook>[_<something>] under tests/contract/: "
                          f"{untested}")


def test_the_checks_themselves_tell_hooks_apart():
    sample = """
def test_hook_on_unit_enabled(): pass
def test_hook_on_unit_disabled_keeps_data(): pass
def test_hook_demo_dataset(): pass          # not demo_data: no underscore after the hook name
def test_demo_data(): pass                  # not the convention
class TestGroup:
    def test_hook_handle_event_in_a_class(self): pass
"""
    found = hook_tests_in({"sample.py": sample})
    assert found["on_unit_enabled"] == ["sample.py::test_hook_on_unit_enabled"]
    assert found["on_unit_disabled"] == ["sample.py::test_hook_on_unit_disabled_keeps_data"]
    assert found["handle_event"] == ["sample.py::test_hook_handle_event_in_a_class"]
    assert found["demo_data"] == []
    named = hooks_in_backticks("Implement `dashboard_cards(session, user, units)` and ``demo_data``; not report_metrics.")
    assert {"dashboard_cards", "demo_data"} <= named and "report_metrics" not in named
