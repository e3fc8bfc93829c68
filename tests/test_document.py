from auditor.document import Document, Position
from auditor.textfold import fold


def test_fold_keeps_length_and_folds_script_width_and_quotes() -> None:
    text = "政府信息公開（一）：１２３，“三安全一穩定”"
    folded = fold(text)
    assert len(folded) == len(text)
    assert folded == '政府信息公开(一):123,"三安全一稳定"'


def test_positions_are_one_based_code_points() -> None:
    document = Document(path="a.txt", text="第一行\n二、主动公开\n")
    assert document.position(0) == Position(1, 1)
    assert document.position(4) == Position(2, 1)
    span = document.span(6, 10)
    assert (span.start, span.end) == (Position(2, 3), Position(2, 7))


def test_span_ending_at_line_end_stays_on_that_line() -> None:
    document = Document(path="a.txt", text="abc\ndef")
    span = document.span(0, 3)
    assert span.end == Position(1, 4)


def test_lines_and_line_span_strip_blanks() -> None:
    document = Document(path="a.txt", text="x\n  标题  \n")
    line = document.line(1)
    assert line.text == "  标题  "
    assert document.line_span(line).start == Position(2, 3)
    assert document.line_count == 3


def test_fold_leaves_simplified_characters_alone() -> None:
    # OpenCC's variant tables list 核/台/群 as regional forms of 覈/臺/羣; the rulebook writes them simplified
    simplified = "审核 平台 群众 税收 温度 才能 户籍 秘书"
    assert fold(simplified) == simplified
    assert fold("審覈 臺灣 羣衆 稅") == "审核 台湾 群众 税"
