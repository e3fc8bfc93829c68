"""Bounded YAML for rulebooks, configuration and suppressions files, with the line and column of
every node.

PyYAML's safe loader still expands aliases without limit (a "billion laughs" file takes gigabytes),
follows recursive aliases into a RecursionError, accepts any scalar as a mapping key and applies
merge keys (``<<``) silently. Here the composed node graph is walked by our own code, which

* refuses nesting deeper than MAX_DEPTH, more than MAX_NODES nodes after alias expansion, more than
  MAX_ALIAS_USES alias uses, and an alias that contains itself;
* accepts only string mapping keys (``1: x``, ``true: x``, ``[a]: x`` are refused: a rulebook's
  keys are names), and refuses duplicate keys;
* refuses the merge key ``<<`` with a message (write the keys out, or use an anchor for a value).

Every problem is a YamlProblem with the 1-based line and column of the offending node.
"""

from __future__ import annotations

from collections.abc import Mapping

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time (DEVELOPERS.md)
if TYPE_CHECKING:
    from typing import Any

    import yaml

MAX_DEPTH = 64
MAX_NODES = 200_000
MAX_ALIAS_USES = 10_000

YamlPath = tuple[str | int, ...]
Marks = dict[YamlPath, tuple[int, int]]


class YamlProblem(Exception):
    """A YAML document that cannot be used; ``line``/``column`` are 1-based (None when unknown)."""

    def __init__(self, line: int | None, column: int | None, problem: str) -> None:
        self.line, self.column, self.problem = line, column, problem
        super().__init__(problem)


def _at(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


class _Builder:
    """Turns a composed node graph into Python data within the limits, recording marks."""

    def __init__(self) -> None:
        self.marks: Marks = {}
        self.nodes = 0
        self.alias_uses = 0
        self.seen: set[int] = set()
        import yaml  # imported by the first YAML file read: a run without one never pays for PyYAML

        self.yaml = yaml
        self.constructor = yaml.SafeLoader("")

    def build(self, node: yaml.Node, path: YamlPath, active: tuple[int, ...]) -> Any:
        line, column = _at(node)
        if id(node) in active:
            raise YamlProblem(line, column, "别名引用了包含它自身的节点（递归别名）")
        if len(active) >= MAX_DEPTH:
            raise YamlProblem(line, column, f"嵌套超过 {MAX_DEPTH} 层")
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise YamlProblem(line, column, f"节点超过 {MAX_NODES} 个（别名展开后），文件过大或含别名炸弹")
        if id(node) in self.seen:  # reached again through an alias
            self.alias_uses += 1
            if self.alias_uses > MAX_ALIAS_USES:
                raise YamlProblem(line, column, f"别名使用超过 {MAX_ALIAS_USES} 次")
        self.seen.add(id(node))
        self.marks.setdefault(path, (line, column))
        yaml = self.yaml
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, (*active, id(node)))
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, index), (*active, id(node))) for index, item in enumerate(node.value)]
        try:
            return self.constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, OverflowError) as error:
            raise YamlProblem(line, column, f"无法解读的值: {error}") from error

    def _mapping(self, node: yaml.MappingNode, path: YamlPath, active: tuple[int, ...]) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for key_node, value_node in node.value:
            line, column = _at(key_node)
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise YamlProblem(line, column, "不支持合并键 “<<”：请把键逐一写出（锚点和别名可用于单个值）")
            if not isinstance(key_node, self.yaml.ScalarNode) or key_node.tag != "tag:yaml.org,2002:str":
                shown = key_node.value if isinstance(key_node, self.yaml.ScalarNode) else "（复合值）"
                raise YamlProblem(line, column, f"键必须是字符串，“{shown}”不是（数字、true 等请加引号）")
            key = str(key_node.value)
            if key in data:
                raise YamlProblem(line, column, f"键 “{key}” 重复")
            if value_node.start_mark.line > key_node.start_mark.line:  # a block value: point at its key
                self.marks.setdefault((*path, key), (line, column))
            data[key] = self.build(value_node, (*path, key), active)
        return data


def load_marked(text: str) -> tuple[Any, Marks]:
    """Parse one YAML document within the limits: (data, marks of every node by its path)."""
    import yaml

    loader_class = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        root = yaml.compose(text, Loader=loader_class)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
        raise YamlProblem(line, column, f"YAML 语法错误: {error.problem or error.context}") from error
    except yaml.YAMLError as error:
        raise YamlProblem(None, None, f"YAML 错误: {error}") from error
    except RecursionError as error:
        raise YamlProblem(None, None, "YAML 嵌套过深") from error
    builder = _Builder()
    data = builder.build(root, (), ()) if root is not None else None
    return data, builder.marks


def mark_of(marks: Mapping[YamlPath, tuple[int, int]], path: YamlPath) -> tuple[int | None, int | None]:
    """The mark of ``path``, else of its nearest ancestor that has one."""
    for cut in range(len(path), -1, -1):
        found = marks.get(tuple(path[:cut]))
        if found:
            return found
    return None, None
