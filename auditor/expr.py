"""A small, safe expression language for table identities, parsed by our own code.

Rulebooks write the arithmetic identities of the statistics tables in this language; nothing of
the rule text is ever handed to ``eval``/``exec``: a tokenizer and a recursive-descent parser turn
it into an AST of frozen records, and ``evaluate`` walks that AST over typed table cells.

Grammar (whitespace is free; ``#`` starts nothing, there are no comments)::

    identity   := [ "for" NAME "in" domain [":"] ] comparison [ "within" NUMBER ]
    domain     := "[" keys "]" | "{" keys "}" | TABLE "." ("rows" | "columns")
    comparison := sum ("==" | ">=" | "<=") sum
    sum        := term (("+" | "-") term)*
    term       := NUMBER | cell | "sum" "(" cells ")" | "(" sum ")"
    cell       := TABLE "." rowset "[" keys "]"       -- must name exactly one cell
    TABLE      := NAME | SCOPE "." NAME               -- SCOPE: this | previous (cross-report rules)
    cells      := cell-shaped, naming any number of cells: rows x columns
    rowset     := key | "{" keys "}"
    keys       := key ("," key)*
    key        := NAME | NAME ".." NAME               -- a range of keys with a numeric suffix

Examples::

    for c in t3.columns: t3.new[c] + t3.carried[c] == t3.c7[c] + t3.forward[c]
    for r in [new, carried, c1..c2, c3_1..c3_8]: t3.r[total] == sum(t3.r[natural, commercial, other])
    t4.row[review_total] == sum(t4.row[review_kept..review_pending])        (if keys end in digits)
    old.fee[value] >= 0 within 0.01

* ``a..b`` expands by the numeric suffix: ``c3_1..c3_8`` is ``c3_1, c3_2, …, c3_8``; both ends must
  share the prefix. Keys are ASCII-or-CJK identifiers (``[^\\W\\d]\\w*``).
* The quantifier variable may stand for a row or a column key anywhere a key is written.
  ``TABLE.rows`` / ``TABLE.columns`` are the table's own keys, read when the identity is evaluated.
* ``this.t3.carried[c]`` / ``previous.t3.forward[c]``: a table name may be qualified by one of the
  scopes ``this`` and ``previous`` (cross-report rules compare a report with last year's); the
  qualified name (``previous.t3``) is the key of the tables mapping handed to ``evaluate``.
* ``within T`` is the tolerance of the comparison (money): ``==`` holds when ``|lhs − rhs| ≤ T``,
  ``>=`` when ``lhs ≥ rhs − T``, ``<=`` when ``lhs ≤ rhs + T``.

Evaluation gives one Outcome per quantifier instance: ``pass``, ``fail`` (with both sides' values
and the cells behind them), or ``unknown`` (not checkable, with the cells that are not numbers:
blank, ``无``/``—``, text, or missing from the table). A check never passes on a guess.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal, InvalidOperation

from auditor import regexcache
from auditor.records import record

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time (DEVELOPERS.md)
if TYPE_CHECKING:
    from typing import Any, Protocol

__all__ = [
    "Comparison", "ExprError", "Identity", "Outcome", "Term", "evaluate", "evaluate_sum", "parse", "parse_sum",
    "tokenize",
]


class ExprError(Exception):
    """A syntax or meaning error in an expression; ``offset`` is the 0-based character index."""

    def __init__(self, message: str, offset: int, source: str = "") -> None:
        self.message, self.offset, self.source = message, offset, source
        super().__init__(f"{message}（第 {offset + 1} 个字符）")

    def pointer(self) -> str:
        """The expression with a caret line under the offending character."""
        return f"{self.source}\n{' ' * self.offset}^"


# ---------------------------------------------------------------------------- tokens
@record(eq=False, repr=False)
class Token:
    """One token of an expression: its kind, text and 0-based offset."""

    kind: str  # NAME NUMBER OP END
    text: str
    offset: int

    def __init__(self, kind: str, text: str, offset: int) -> None:  # written out: a rulebook has hundreds
        self.kind, self.text, self.offset = kind, text, offset


_TOKEN = regexcache.compile(
    r"(?P<space>\s+)|(?P<number>\d+(?:\.\d+)?(?![\w.]))|(?P<name>[^\W\d]\w*)"
    r"|(?P<op>==|>=|<=|\.\.|[-+.,:()\[\]{}])"
)
KEYWORDS = frozenset({"for", "in", "sum", "within"})
SCOPES = frozenset({"this", "previous"})


def tokenize(source: str) -> list[Token]:
    tokens: list[Token] = []
    position = 0
    while position < len(source):
        match = _TOKEN.match(source, position)
        if match is None:
            raise ExprError(f"无法识别的字符 {source[position]!r}", position, source)
        kind = match.lastgroup or ""
        if kind != "space":
            tokens.append(Token(kind.upper(), match.group(), position))
        position = match.end()
    tokens.append(Token("END", "", len(source)))
    return tokens


# ---------------------------------------------------------------------------- AST
@record(eq=False, repr=False)
class Key:
    """A row or column key as written: a name (maybe the quantifier variable)."""

    name: str
    offset: int

    def __init__(self, name: str, offset: int) -> None:  # written out, as Token's
        self.name, self.offset = name, offset


@record(eq=False, repr=False)
class CellSet:
    """``TABLE.rows[columns]``: the cells at every row x column; ``single`` for a plain reference."""

    table: str
    rows: tuple[Key, ...]
    columns: tuple[Key, ...]
    single: bool
    offset: int


@record(eq=False, repr=False)
class Literal:
    """A number written in the expression."""

    value: Decimal
    offset: int


@record(eq=False, repr=False)
class BinaryOp:
    """``left + right`` or ``left - right``."""

    op: str  # "+" or "-"
    left: Expr
    right: Expr
    offset: int

    @functools.cached_property
    def plan(self) -> tuple[tuple[int, Literal | CellSet], ...]:
        """The addends with their signs, in order: the sum as evaluation walks it, built once."""
        return _flatten(self)


Expr = Literal | CellSet | BinaryOp


@record(eq=False, repr=False)
class Comparison:
    """``left == right`` (or ``>=``, ``<=``) within ``tolerance``."""

    op: str  # "==", ">=", "<="
    left: Expr
    right: Expr
    tolerance: Decimal
    offset: int


@record(eq=False, repr=False)
class Domain:
    """What the quantifier ranges over: explicit keys, or a table's rows or columns."""

    keys: tuple[Key, ...] = ()
    table: str = ""
    axis: str = ""  # "rows" | "columns" when taken from a table


@record(eq=False, repr=False)
class Identity:
    """A parsed identity: its comparison, and the quantifier variable and domain of a ``for`` form."""

    source: str
    comparison: Comparison
    variable: str | None = None
    domain: Domain | None = None

    @functools.cached_property  # asked for on every report: computed once per identity
    def tables(self) -> frozenset[str]:
        found = {cells.table for side in (self.comparison.left, self.comparison.right) for cells in _cellsets(side)}
        if self.domain is not None and self.domain.table:
            found.add(self.domain.table)
        return frozenset(found)


def _cellsets(expr: Expr) -> Iterator[CellSet]:
    if isinstance(expr, CellSet):
        yield expr
    elif isinstance(expr, BinaryOp):
        yield from _cellsets(expr.left)
        yield from _cellsets(expr.right)


# ---------------------------------------------------------------------------- parser
_SUFFIX = regexcache.compile(r"^(?P<prefix>.*?)(?P<number>\d+)$")
# bounds that keep parsing and evaluation small whatever a rulebook says
MAX_SOURCE_LENGTH = 4_000
MAX_DEPTH = 32  # nested parentheses
MAX_OPERATORS = 256  # + and - in one expression (the AST is that deep at most)
MAX_NUMBER_DIGITS = 30  # a literal, a tolerance or a key's numeric suffix


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        if len(source) > MAX_SOURCE_LENGTH:
            raise ExprError(f"表达式过长（超过 {MAX_SOURCE_LENGTH} 个字符）", MAX_SOURCE_LENGTH, source[:80])
        self.tokens = tokenize(source)
        for token in self.tokens:
            if token.kind == "NUMBER" and len(token.text) > MAX_NUMBER_DIGITS:
                raise ExprError(f"数值过长（超过 {MAX_NUMBER_DIGITS} 位）", token.offset, source)
        self.index = 0
        self.variable: str | None = None
        self.depth = 0
        self.operators = 0

    # -- token helpers
    @property
    def token(self) -> Token:
        return self.tokens[self.index]

    def error(self, message: str, token: Token | None = None) -> ExprError:
        return ExprError(message, (token or self.token).offset, self.source)

    def accept(self, text: str) -> Token | None:
        token = self.token
        if token.kind in ("OP", "NAME") and token.text == text:
            self.index += 1
            return token
        return None

    def expect(self, text: str, what: str = "") -> Token:
        token = self.accept(text)
        if token is None:
            found = self.token.text or "表达式结尾"
            raise self.error(f"此处应为 {what or repr(text)}，却是 {found!r}")
        return token

    def name(self, what: str) -> Token:
        token = self.token
        if token.kind != "NAME" or token.text in KEYWORDS:
            raise self.error(f"此处应为{what}，却是 {token.text or '表达式结尾'!r}")
        self.index += 1
        return token

    # -- grammar
    def identity(self) -> Identity:
        variable: str | None = None
        domain: Domain | None = None
        if self.accept("for"):
            variable = self.name("量词变量名").text
            self.expect("in")
            domain = self.domain()
            self.accept(":")
            self.variable = variable
        comparison = self.comparison()
        if self.token.kind != "END":
            raise self.error(f"多余的内容 {self.token.text!r}")
        return Identity(self.source, comparison, variable, domain)

    def domain(self) -> Domain:
        for opening, closing in (("[", "]"), ("{", "}")):
            if self.accept(opening):
                keys = self.keys(closing)
                self.expect(closing)
                return Domain(keys=keys)
        table = self.table_name("表名或 [键, …]")
        self.expect(".")
        axis = self.name("rows 或 columns")
        if axis.text not in ("rows", "columns"):
            raise self.error("量词只能取 TABLE.rows 或 TABLE.columns", axis)
        return Domain(table=table, axis=axis.text)

    def comparison(self) -> Comparison:
        left = self.sum()
        token = self.token
        if not (token.kind == "OP" and token.text in ("==", ">=", "<=")):
            raise self.error(f"此处应为比较符 ==、>= 或 <=，却是 {token.text or '表达式结尾'!r}")
        self.index += 1
        right = self.sum()
        tolerance = Decimal(0)
        if self.accept("within"):
            number = self.token
            if number.kind != "NUMBER":
                raise self.error("within 之后应为容差数值，如 0.01")
            self.index += 1
            tolerance = Decimal(number.text)
        return Comparison(token.text, left, right, tolerance, token.offset)

    def sum(self) -> Expr:
        expr = self.term()
        while self.token.kind == "OP" and self.token.text in ("+", "-"):
            operator = self.token
            self.operators += 1
            if self.operators > MAX_OPERATORS:
                raise self.error(f"表达式的加减项过多（超过 {MAX_OPERATORS} 个运算符）")
            self.index += 1
            expr = BinaryOp(operator.text, expr, self.term(), operator.offset)
        return expr

    def term(self) -> Expr:
        token = self.token
        if token.kind == "NUMBER":
            self.index += 1
            return Literal(Decimal(token.text), token.offset)
        if self.accept("("):
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise self.error(f"括号嵌套超过 {MAX_DEPTH} 层", token)
            inner = self.sum()
            self.expect(")")
            self.depth -= 1
            return inner
        if token.kind == "NAME" and token.text == "sum":
            self.index += 1
            self.expect("(", "'('（sum 之后）")
            cells = self.cells(single=False)
            self.expect(")")
            return cells
        if token.kind == "NAME" and token.text not in KEYWORDS:
            return self.cells(single=True)
        raise self.error(f"此处应为数值、单元格引用或 sum(…)，却是 {token.text or '表达式结尾'!r}")

    def table_name(self, what: str) -> str:
        """A table name, qualified (``previous.t3``) when it opens with a scope."""
        first = self.name(what)
        if first.text in SCOPES and self.token.text == "." and self.tokens[self.index + 1].kind == "NAME" \
                and self.tokens[self.index + 2].text == ".":
            self.index += 1
            return f"{first.text}.{self.name('表名').text}"
        return first.text

    def cells(self, single: bool) -> CellSet:
        table_token = self.token
        table = self.table_name("表名")
        self.expect(".", "'.'（表名之后接行键）")
        if self.accept("{"):
            rows = self.keys("}")
            self.expect("}")
        else:
            rows = self.key_item()
        self.expect("[", "'['（行键之后接 [列键]）")
        columns = self.keys("]")
        self.expect("]")
        if single and (len(rows) > 1 or len(columns) > 1):
            raise self.error("引用多个单元格须写在 sum(…) 中", table_token)
        return CellSet(table, rows, columns, single, table_token.offset)

    def keys(self, closing: str) -> tuple[Key, ...]:
        keys = list(self.key_item())
        while self.accept(","):
            keys.extend(self.key_item())
        if not keys:
            raise self.error(f"{closing} 之前至少要有一个键")
        return tuple(keys)

    def key_item(self) -> tuple[Key, ...]:
        first = self.name("行键或列键")
        if not self.accept(".."):
            return (Key(first.text, first.offset),)
        last = self.name("区间的结束键")
        return self.expand(first, last)

    def expand(self, first: Token, last: Token) -> tuple[Key, ...]:
        low, high = _SUFFIX.match(first.text), _SUFFIX.match(last.text)
        if low is None or high is None or low["prefix"] != high["prefix"] or max(
                len(low["number"]), len(high["number"])) > MAX_NUMBER_DIGITS:
            raise self.error(f"区间 {first.text}..{last.text} 的两端须是同一前缀加数字（如 c3_1..c3_8）", first)
        start, stop = int(low["number"]), int(high["number"])
        if stop < start or stop - start > 200:
            raise self.error(f"区间 {first.text}..{last.text} 为空或过长", first)
        if self.variable in (first.text, last.text):
            raise self.error("区间端点不能是量词变量", first)
        return tuple(Key(f"{low['prefix']}{number}", first.offset) for number in range(start, stop + 1))


def parse_sum(source: str) -> Expr:
    """Parse a bare sum of cells and numbers (no comparison), e.g. ``t3.c1[total] + t3.c2[total]``."""
    if not isinstance(source, str) or not source.strip():
        raise ExprError("表达式为空", 0, str(source))
    parser = _Parser(source)
    expression = parser.sum()
    if parser.token.kind != "END":
        raise parser.error(f"多余的内容 {parser.token.text!r}")
    return expression


def parse(source: str) -> Identity:
    """Parse an identity; raises ExprError with the character offset of the problem."""
    if not isinstance(source, str) or not source.strip():
        raise ExprError("表达式为空", 0, str(source))
    return _Parser(source).identity()


# ---------------------------------------------------------------------------- evaluation
if TYPE_CHECKING:  # interfaces for the type checker only

    class CellLike(Protocol):
        table: str
        row: str
        column: str
        row_label: str
        column_label: str
        raw: str
        value: Any
        start: int
        end: int

        @property
        def value_class(self) -> Any: ...

    class TableLike(Protocol):
        id: str
        cells: Mapping[tuple[str, str], Any]
        missing_rows: tuple[str, ...]
        missing_columns: tuple[str, ...]

        def cell(self, row: str, column: str) -> Any: ...


NUMERIC_CLASSES = frozenset({"NUMBER", "ZERO"})


@record(frozen=True, repr=False)
class Term:
    """One addend of a side: a table cell (``cell`` None when the table lacks it) or a literal."""

    sign: int
    table: str = ""
    row: str = ""
    column: str = ""
    cell: Any = None
    literal: Decimal | None = None

    @property
    def is_cell(self) -> bool:
        return self.literal is None

    @property
    def value(self) -> Decimal | None:
        if self.literal is not None:
            return self.literal
        if self.cell is None or _class_name(self.cell) not in NUMERIC_CLASSES or self.cell.value is None:
            return None
        return _decimal(self.cell.value)

    @property
    def address(self) -> tuple[str, str, str]:
        return (self.table, self.row, self.column)


@record(frozen=True, repr=False)
class Outcome:
    """One instance of an identity: ``status`` is ``pass``, ``fail`` or ``unknown``."""

    status: str
    binding: tuple[tuple[str, str], ...]
    op: str
    left: tuple[Term, ...]
    right: tuple[Term, ...]
    lhs: Decimal | None = None
    rhs: Decimal | None = None
    unreadable: tuple[Term, ...] = ()

    @property
    def terms(self) -> tuple[Term, ...]:
        return self.left + self.right


def _class_name(cell: Any) -> str:
    return _value_class_name(cell.value_class)


@functools.cache
def _value_class_name(value_class: Any) -> str:
    """``NUMBER`` for ValueClass.NUMBER or "number" (an Enum's ``name`` is slow to read per cell)."""
    return str(getattr(value_class, "name", value_class)).upper()


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, int):
        return Decimal(value)
    try:
        return value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def table_axis(table: TableLike, axis: str) -> tuple[str, ...]:
    """The row or column keys of a table, in the order its cells were read, then the missing ones."""
    position = 0 if axis == "rows" else 1
    missing = table.missing_rows if axis == "rows" else table.missing_columns
    ordered = dict.fromkeys(key[position] for key in table.cells)
    ordered.update(dict.fromkeys(missing))
    return tuple(ordered)


# An expression's addends in order, each with its sign: compiled once per expression (BinaryOp.plan)
# and then expanded per quantifier instance, not re-walked per table and binding.
_Addend = tuple[int, "Literal | CellSet"]


def _plan(expr: Expr) -> tuple[_Addend, ...]:
    """The addends of ``expr`` left to right with their signs (``a - (b - c)`` is +a, -b, +c)."""
    return expr.plan if isinstance(expr, BinaryOp) else ((1, expr),)


def _flatten(expr: Expr) -> tuple[_Addend, ...]:
    addends: list[_Addend] = []
    pending: list[tuple[Expr, int]] = [(expr, 1)]
    while pending:  # depth-first, left before right, without recursion (MAX_OPERATORS deep at most)
        node, sign = pending.pop()
        if isinstance(node, BinaryOp):
            pending.append((node.right, sign if node.op == "+" else -sign))
            pending.append((node.left, sign))
        else:
            addends.append((sign, node))
    return tuple(addends)


def _terms(expr: Expr, sign: int, binding: Mapping[str, str], tables: Mapping[str, TableLike]) -> list[Term]:
    """The terms of ``expr`` for one binding of the quantifier variable (``sign`` applied to all)."""
    found: list[Term] = []
    for addend_sign, node in _plan(expr):
        if isinstance(node, Literal):
            found.append(Term(sign * addend_sign, literal=node.value))
            continue
        cell = tables[node.table].cell
        for row_key in node.rows:
            row = binding.get(row_key.name, row_key.name)
            for column_key in node.columns:
                column = binding.get(column_key.name, column_key.name)
                found.append(Term(sign * addend_sign, node.table, row, column, cell(row, column)))
    return found


def _holds(op: str, lhs: Decimal, rhs: Decimal, tolerance: Decimal) -> bool:
    if op == "==":
        return abs(lhs - rhs) <= tolerance
    if op == ">=":
        return lhs >= rhs - tolerance
    return lhs <= rhs + tolerance


def _instance(identity: Identity, binding: Mapping[str, str], tables: Mapping[str, TableLike],
              tolerance: Decimal) -> Outcome:
    comparison = identity.comparison
    left = tuple(_terms(comparison.left, 1, binding, tables))
    right = tuple(_terms(comparison.right, 1, binding, tables))
    pairs = tuple(sorted(binding.items()))
    values = [term.value for term in left + right]  # each term's value computed once
    unreadable = tuple(term for term, value in zip(left + right, values, strict=True) if value is None)
    if unreadable:
        return Outcome("unknown", pairs, comparison.op, left, right, unreadable=unreadable)
    signed = [term.sign * (value or 0) for term, value in zip(left + right, values, strict=True)]
    lhs = sum(signed[: len(left)], Decimal(0))
    rhs = sum(signed[len(left):], Decimal(0))
    status = "pass" if _holds(comparison.op, lhs, rhs, tolerance) else "fail"
    return Outcome(status, pairs, comparison.op, left, right, lhs, rhs)


def _bindings(identity: Identity, tables: Mapping[str, TableLike]) -> Sequence[dict[str, str]]:
    if identity.variable is None or identity.domain is None:
        return [{}]
    domain = identity.domain
    keys = table_axis(tables[domain.table], domain.axis) if domain.table else tuple(key.name for key in domain.keys)
    return [{identity.variable: key} for key in keys]


def expression_tables(expression: Expr) -> frozenset[str]:
    return frozenset(cells.table for cells in _cellsets(expression))


def evaluate_sum(expression: Expr, tables: Mapping[str, TableLike]) -> tuple[Decimal | None, tuple[Term, ...]]:
    """The value of a bare sum and its terms; value None when a cell is not a number (or absent)."""
    if not expression_tables(expression) <= set(tables):
        return None, ()
    terms = tuple(_terms(expression, 1, {}, tables))
    if any(term.value is None for term in terms):
        return None, terms
    return sum((term.sign * (term.value or 0) for term in terms), Decimal(0)), terms


def evaluate(identity: Identity, tables: Mapping[str, TableLike], tolerance: Decimal | None = None) -> list[Outcome]:
    """Every instance of ``identity`` over ``tables``; [] when a table it names is absent.

    ``tolerance`` (if given) overrides the expression's own ``within``."""
    if not identity.tables <= set(tables):
        return []
    allowed = identity.comparison.tolerance if tolerance is None else tolerance
    return [_instance(identity, binding, tables, allowed) for binding in _bindings(identity, tables)]
