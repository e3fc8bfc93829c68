"""Render 2019/2021-format reports with tables 二, 三, 四 in each supported text form.

Used by the property test (tests/test_property_tables.py) and to write readable fixtures. A report
is rendered from plain values; ``Rendered.offsets`` gives, for each (table, row, column), the
offsets of the number in the text, so a test can ask whether a diagnostic points at a cell.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

FORMS = ("cell-lines", "markdown", "tabs", "spaces", "inline")
# How table 三 is laid out (render's ``layout``): the statutory columns; its columns reordered; with an
# extra 法人或其他组织 小计 column and a 备注 column (both only in the forms whose header is a grid of
# positions, GRID_FORMS, as a Word/HTML table exported with every cell); labels wrapped inside their
# cells (only in the one-cell-per-line form). Other combinations render the statutory layout.
LAYOUTS = ("statutory", "reordered", "extra", "wrapped")
GRID_FORMS = ("markdown", "tabs")
WRAP_AT = 12  # a wrapped label breaks after this many characters

T3_COLUMNS = ("natural", "commercial", "research", "social", "legal", "other", "total")
APPLICANTS = T3_COLUMNS[:-1]
T3_HEADER_TOP = "申请人情况"
T3_HEADER_MID = ("自然人", "法人或其他组织", "总计")
T3_HEADER_LOW = ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")
T3_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"

# (key or None for a label-only row, label)
T3_ROWS_HEAD = [("new", "一、本年新收政府信息公开申请数量"), ("carried", "二、上年结转政府信息公开申请数量"),
                (None, "三、本年度办理结果"), ("c1", "（一）予以公开"),
                ("c2", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"), (None, "（三）不予公开"),
                ("c3_1", "1.属于国家秘密"), ("c3_2", "2.其他法律行政法规禁止公开"), ("c3_3", "3.危及“三安全一稳定”"),
                ("c3_4", "4.保护第三方合法权益"), ("c3_5", "5.属于三类内部事务信息"), ("c3_6", "6.属于四类过程性信息"),
                ("c3_7", "7.属于行政执法案卷"), ("c3_8", "8.属于行政查询事项"), (None, "（四）无法提供"),
                ("c4_1", "1.本机关不掌握相关政府信息"), ("c4_2", "2.没有现成信息需要另行制作"),
                ("c4_3", "3.补正后申请内容仍不明确"), (None, "（五）不予处理"), ("c5_1", "1.信访举报投诉类申请"),
                ("c5_2", "2.重复申请"), ("c5_3", "3.要求提供公开出版物"), ("c5_4", "4.无正当理由大量反复申请"),
                ("c5_5", "5.要求行政机关确认或重新出具已获取信息")]
T3_ROWS_2019 = [("c6", "（六）其他处理")]
T3_ROWS_2021 = [(None, "（六）其他处理"),
                ("c6_1", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
                ("c6_2", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
                ("c6_3", "3.其他")]
T3_ROWS_TAIL = [("c7", "（七）总计"), ("forward", "四、结转下年度继续办理")]

T4_GROUPS = ("review", "suit_direct", "suit_after_review")
T4_COLUMNS = ("upheld", "corrected", "other", "pending", "total")
T4_COLUMN_LABELS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")

T2_2021 = [
    ("第二十条第（一）项", ("本年制发件数", "本年废止件数", "现行有效件数"), ("规章", "行政规范性文件")),
    ("第二十条第（五）项", ("本年处理决定数量",), ("行政许可",)),
    ("第二十条第（六）项", ("本年处理决定数量",), ("行政处罚", "行政强制")),
    ("第二十条第（八）项", ("本年收费金额（单位：万元）",), ("行政事业性收费",)),
]
T2_2019 = [
    ("第二十条第（一）项", ("本年新制作数量", "本年新公开数量", "对外公开总数量"), ("规章", "规范性文件")),
    ("第二十条第（五）项", ("上一年项目数量", "本年增/减", "处理决定数量"), ("行政许可", "其他对外管理服务事项")),
    ("第二十条第（六）项", ("上一年项目数量", "本年增/减", "处理决定数量"), ("行政处罚", "行政强制")),
    ("第二十条第（八）项", ("上一年项目数量", "本年增/减"), ("行政事业性收费",)),
    ("第二十条第（九）项", ("采购项目数量", "采购总金额"), ("政府集中采购",)),
]

Key = tuple[str, str, str]


@dataclass
class Values:
    """The numbers of one report: t3[row][column], t4[group][column], t2 numbers in reading order."""

    era: str
    t3: dict[str, dict[str, int]]
    t4: dict[str, dict[str, int]]
    t2: list[int]

    def numeric_cells(self) -> list[Key]:
        return ([("t3", row, column) for row in self.t3 for column in T3_COLUMNS]
                + [("t4", group, column) for group in T4_GROUPS for column in T4_COLUMNS])

    def get(self, key: Key) -> int:
        table = self.t3 if key[0] == "t3" else self.t4
        return table[key[1]][key[2]]

    def set(self, key: Key, value: int) -> None:
        table = self.t3 if key[0] == "t3" else self.t4
        table[key[1]][key[2]] = value


def t3_rows(era: str) -> list[tuple[str | None, str]]:
    return T3_ROWS_HEAD + (T3_ROWS_2019 if era == "2019" else T3_ROWS_2021) + T3_ROWS_TAIL


def consistent_values(seed: int, era: str) -> Values:
    """Random values satisfying T3-1, T3-2, T3-3 and T4 (spec §4, §5)."""
    chooser = random.Random(seed)

    def small() -> int:
        return chooser.choice([0, 0, 0, 1, 2, 3, chooser.randint(0, 40)])

    outcome_rows = [key for key, _ in t3_rows(era) if key and key not in ("new", "carried", "c7", "forward")]
    t3: dict[str, dict[str, int]] = {key: {} for key, _ in t3_rows(era) if key}
    for column in APPLICANTS:
        for row in outcome_rows:
            t3[row][column] = small()
        t3["c7"][column] = sum(t3[row][column] for row in outcome_rows)
        t3["forward"][column] = small()
        t3["carried"][column] = chooser.randint(0, t3["c7"][column] + t3["forward"][column])
        t3["new"][column] = t3["c7"][column] + t3["forward"][column] - t3["carried"][column]
    for row in t3.values():
        row["total"] = sum(row[column] for column in APPLICANTS)
    t4: dict[str, dict[str, int]] = {}
    for group in T4_GROUPS:
        parts = {column: small() for column in T4_COLUMNS[:-1]}
        t4[group] = {**parts, "total": sum(parts.values())}
    # plausible as well as consistent: suits after review come from the year's reviews (GK830)
    shortfall = t4["suit_after_review"]["total"] - t4["review"]["total"]
    if shortfall > 0:
        first = T4_COLUMNS[0]
        t4["review"][first] += shortfall
        t4["review"]["total"] += shortfall
    blocks = T2_2019 if era == "2019" else T2_2021
    t2 = [chooser.randint(0, 300) for _, columns, rows in blocks for _ in columns for _ in rows]
    return Values(era, t3, t4, t2)


# ---------------------------------------------------------------------------- rendering
@dataclass
class Rendered:
    text: str = ""
    offsets: dict[Key, tuple[int, int]] = field(default_factory=dict)

    def add(self, piece: str, key: Key | None = None) -> None:
        if key is not None:
            self.offsets[key] = (len(self.text), len(self.text) + len(piece))
        self.text += piece


Cells = Sequence[tuple[str, Key | None]]  # (text, key of a numeric cell or None)


def _row_writer(form: str) -> Callable[[Rendered, Cells], None]:
    def cell_lines(out: Rendered, cells: Cells) -> None:
        for text, key in cells:
            out.add(text, key)
            out.add(" |\n")
        out.add("||\n")

    def pipes(out: Rendered, cells: Cells) -> None:
        out.add("|")
        for text, key in cells:
            out.add(" ")
            out.add(text, key)
            out.add(" |")
        out.add("\n")

    def separated(separator: str) -> Callable[[Rendered, Cells], None]:
        def write(out: Rendered, cells: Cells) -> None:
            for index, (text, key) in enumerate(cells):
                if index:
                    out.add(separator)
                out.add(text, key)
            out.add("\n")
        return write

    return {"cell-lines": cell_lines, "markdown": pipes, "tabs": separated("\t"), "spaces": separated("    "),
            "inline": separated(" ")}[form]


def _table(out: Rendered, form: str, header: list[list[str]], rows: list[Cells], grid: bool = False) -> None:
    """``grid``: header rows keep every cell (a merged cell's text repeated over its span)."""
    write = _row_writer(form)
    width = max(len(line) for line in [*header, *rows])
    for index, line in enumerate(header):
        padded = list(line) + [""] * (width - len(line)) if form == "markdown" or grid else [
            text for text in line if text]
        write(out, [(text, None) for text in padded])
        if index == 0 and form == "markdown":
            out.add("|" + "---|" * width + "\n")
    for cells in rows:
        write(out, cells)


def _t2(out: Rendered, form: str, values: Values) -> None:
    numbers = iter(values.t2)
    for caption, columns, rows in (T2_2019 if values.era == "2019" else T2_2021):
        out.add(caption + "\n")
        body: list[Cells] = [[(label, None), *[(str(next(numbers)), None) for _ in columns]] for label in rows]
        _table(out, form, [["信息内容", *columns]], body)
        out.add("\n")


SUBTOTAL_GROUPS = {"（三）不予公开": "c3", "（四）无法提供": "c4", "（五）不予处理": "c5", "（六）其他处理": "c6"}


def subtotal_values(values: Values) -> dict[str, dict[str, int]]:
    """The optional subtotal rows of table 三 (the sums of their sub-items), for the groups of the era."""
    groups = {"c3": 8, "c4": 3, "c5": 5, **({"c6": 3} if values.era == "2021" else {})}
    return {group: {column: sum(values.t3[f"{group}_{index}"][column] for index in range(1, count + 1))
                    for column in T3_COLUMNS} for group, count in groups.items()}


# grid header of table 三 by column: (key or an extra column's filler, middle header cell, bottom header cell)
T3_GRID = [("natural", "自然人", "自然人")] + [
    (key, T3_HEADER_MID[1], label) for key, label in zip(APPLICANTS[1:], T3_HEADER_LOW, strict=True)] + [
    ("total", "总计", "总计")]
SUBTOTAL_COLUMN = ("+legal_persons", T3_HEADER_MID[1], "小计")
REMARK_COLUMN = ("+remark", "备注", "备注")


def _t3_grid(layout: str) -> list[tuple[str, str, str]]:
    if layout == "reordered":
        return [T3_GRID[-1], T3_GRID[0], *reversed(T3_GRID[1:-1])]
    if layout == "extra":
        return [T3_GRID[0], SUBTOTAL_COLUMN, *T3_GRID[1:], REMARK_COLUMN]
    return T3_GRID


def _t3_cell(numbers: dict[str, int], column: str, key: Key) -> tuple[str, Key | None]:
    if column == REMARK_COLUMN[0]:
        return "无", None
    if column == SUBTOTAL_COLUMN[0]:
        return str(sum(numbers[name] for name in APPLICANTS[1:])), None
    return str(numbers[column]), key


def _wrap(label: str, form: str, layout: str) -> str:
    if layout == "wrapped" and form == "cell-lines" and len(label) > WRAP_AT + 2:
        return label[:WRAP_AT] + "\n" + label[WRAP_AT:]
    return label


def _t3(out: Rendered, form: str, values: Values, subtotals: dict[str, dict[str, int]] | None = None,
        layout: str = "statutory") -> None:
    grid = form in GRID_FORMS and layout in ("reordered", "extra")
    columns = _t3_grid(layout if grid else "statutory")
    if grid:
        header = [[T3_NOTE, *[T3_HEADER_TOP] * len(columns)], [T3_NOTE, *[mid for _, mid, _ in columns]],
                  [T3_NOTE, *[low for _, _, low in columns]]]
    else:
        header = [[T3_NOTE, T3_HEADER_TOP], ["", *T3_HEADER_MID], ["", "", *T3_HEADER_LOW]]
    rows: list[Cells] = []
    for key, label in t3_rows(values.era):
        group = SUBTOTAL_GROUPS.get(label)
        shown = _wrap(label, form, layout)
        if key is None and subtotals and group in subtotals:
            rows.append([(shown, None), *[_t3_cell(subtotals[group], column, ("t3", group, column))
                                          for column, _, _ in columns]])
            continue
        if key is None:
            rows.append([(shown, None)])
            continue
        rows.append([(shown, None), *[_t3_cell(values.t3[key], column, ("t3", key, column))
                                      for column, _, _ in columns]])
    _table(out, form, header, rows, grid=grid)


def _t4(out: Rendered, form: str, values: Values) -> None:
    header = [["行政复议", "行政诉讼"], ["", "未经复议直接起诉", "复议后起诉"], [*T4_COLUMN_LABELS * 3]]
    if form == "markdown":
        header = [["行政复议", "", "", "", "", "行政诉讼"], ["", "", "", "", "", "未经复议直接起诉", "", "", "", "",
                                                       "复议后起诉"], [*T4_COLUMN_LABELS * 3]]
    numbers: Cells = [(str(values.t4[group][column]), ("t4", group, column))
                      for group in T4_GROUPS for column in T4_COLUMNS]
    _table(out, form, header, [numbers])


def render(values: Values, form: str, year: int | None = None,
           subtotals: dict[str, dict[str, int]] | None = None, layout: str = "statutory") -> Rendered:
    """A minimal report with the six headings and the three tables in ``form`` (table 三 in ``layout``)."""
    year = year or (2019 if values.era == "2019" else 2022)
    out = Rendered()
    out.add(f"赣州市示范局{year}年政府信息公开工作年度报告\n\n")
    out.add("一、总体情况\n")
    out.add(f"{year}年，本局认真贯彻落实《中华人民共和国政府信息公开条例》，依法做好政府信息公开工作。"
            f"本报告中所列数据统计期限为{year}年1月1日至12月31日。\n\n")
    out.add("二、主动公开政府信息情况\n")
    _t2(out, form, values)
    out.add("三、收到和处理政府信息公开申请情况\n")
    _t3(out, form, values, subtotals, layout)
    out.add("\n四、政府信息公开行政复议、行政诉讼情况\n")
    _t4(out, form, values)
    out.add("\n五、存在的主要问题及改进情况\n")
    out.add("一是公开内容还不够全面；二是解读形式较为单一。下一步，本局将加强培训，提高公开质量。\n\n")
    out.add("六、其他需要报告的事项\n")
    out.add("本年度未收取信息处理费。\n")
    return out


# ---------------------------------------------------------------------------- old format (2014–2018)
# (key, label as printed, unit); label-only rows have key None
OLD_APPENDIX_ROWS = [
    (None, "一、主动公开情况", ""), ("published", "（一）主动公开政府信息数", "条"),
    ("published_normative", "其中：主动公开规范性文件数", "条"), ("normative_issued", "制发规范性文件总数", "件"),
    (None, "（二）通过不同渠道和方式公开政府信息的情况", ""), ("via_gazette", "1.政府公报公开政府信息数", "条"),
    ("via_website", "2.政府网站公开政府信息数", "条"), ("via_weibo", "3.政务微博公开政府信息数", "条"),
    ("via_wechat", "4.政务微信公开政府信息数", "条"), ("via_other", "5.其他方式公开政府信息数", "条"),
    (None, "二、回应解读情况", ""), ("hot_topics", "（一）回应公众关注热点或重大舆情数", "次"),
    (None, "（二）通过不同渠道和方式回应解读的情况", ""), ("press_conferences", "1.参加或举办新闻发布会总次数", "次"),
    ("press_conferences_chief", "其中：主要负责同志参加新闻发布会次数", "次"),
    ("interviews", "2.政府网站在线访谈次数", "次"),
    ("interviews_chief", "其中：主要负责同志参加政府网站在线访谈次数", "次"),
    ("interpretations", "3.政策解读稿件发布数", "篇"), ("social_responses", "4.微博微信回应事件数", "次"),
    ("other_responses", "5.其他方式回应事件数", "次"),
    (None, "三、依申请公开情况", ""), ("received", "（一）收到申请数", "件"),
    ("received_in_person", "1.当面申请数", "件"), ("received_fax", "2.传真申请数", "件"),
    ("received_online", "3.网络申请数", "件"), ("received_letter", "4.信函申请数", "件"),
    ("concluded", "（二）申请办结数", "件"), ("concluded_on_time", "1.按时办结数", "件"),
    ("concluded_extended", "2.延期办结数", "件"), ("answered", "（三）申请答复数", "件"),
    ("answer_already_public", "1.属于已主动公开范围数", "件"), ("answer_granted", "2.同意公开答复数", "件"),
    ("answer_partial", "3.同意部分公开答复数", "件"), ("answer_refused", "4.不同意公开答复数", "件"),
    ("refused_state_secret", "其中：涉及国家秘密", "件"), ("refused_trade_secret", "涉及商业秘密", "件"),
    ("refused_privacy", "涉及个人隐私", "件"), ("refused_security", "危及国家安全、公共安全、经济安全和社会稳定", "件"),
    ("refused_not_government_info", "不是《条例》所指政府信息", "件"),
    ("refused_other", "法律法规规定的其他情形", "件"), ("answer_not_this_agency", "5.不属于本行政机关公开数", "件"),
    ("answer_not_exist", "6.申请信息不存在数", "件"), ("answer_amend", "7.告知作出更改补充数", "件"),
    ("answer_other_channel", "8.告知通过其他途径办理数", "件"), ("reviews", "四、行政复议数量", "件"),
    ("reviews_upheld", "（一）维持具体行政行为数", "件"), ("reviews_corrected", "（二）被依法纠错数", "件"),
    ("reviews_other", "（三）其他情形数", "件"), ("suits", "五、行政诉讼数量", "件"),
    ("suits_upheld", "（一）维持具体行政行为或者驳回原告诉讼请求数", "件"),
    ("suits_corrected", "（二）被依法纠错数", "件"), ("suits_other", "（三）其他情形数", "件"),
    ("complaints", "六、举报投诉数量", "件"), ("fees", "七、依申请公开信息收取的费用", "万元"),
    (None, "八、机构建设和保障经费情况", ""), ("offices", "（一）政府信息公开工作专门机构数", "个"),
    ("reading_points", "（二）设置政府信息公开查阅点数", "个"), ("staff", "（三）从事政府信息公开工作人员数", "人"),
    ("staff_full_time", "1.专职人员数（不包括政府公报及政府网站工作人员数）", "人"),
    ("staff_part_time", "2.兼职人员数", "人"),
    ("budget", "（四）政府信息公开专项经费（不包括用于政府公报编辑管理及政府网站建设维护等方面的经费）", "万元"),
    (None, "九、政府信息公开会议和培训情况", ""), ("meetings", "（一）召开政府信息公开工作会议或专题会议数", "次"),
    ("trainings", "（二）举办各类培训班数", "次"), ("trainees", "（三）接受培训人员数", "人次"),
]


def consistent_old_values(seed: int) -> dict[str, int]:
    """Random values of the old statistics appendix satisfying O1–O7 (spec §1.1)."""
    chooser = random.Random(seed)
    values = {key: chooser.choice([0, 0, 1, 2, 5]) for key, _, _ in OLD_APPENDIX_ROWS if key}
    values["received"] = sum(values[key] for key in ("received_in_person", "received_fax", "received_online",
                                                      "received_letter"))
    values["concluded"] = values["concluded_on_time"] + values["concluded_extended"]
    refusals = [key for key in values if key.startswith("refused_")]
    values["answer_refused"] = sum(values[key] for key in refusals) + chooser.choice([0, 1])
    answers = ["answer_already_public", "answer_granted", "answer_partial", "answer_refused",
               "answer_not_this_agency", "answer_not_exist", "answer_amend", "answer_other_channel"]
    values["answered"] = sum(values[key] for key in answers)
    values["reviews"] = values["reviews_upheld"] + values["reviews_corrected"] + values["reviews_other"]
    values["suits"] = values["suits_upheld"] + values["suits_corrected"] + values["suits_other"]
    values["staff"] = values["staff_full_time"] + values["staff_part_time"]
    values["press_conferences"] = values["press_conferences_chief"] + chooser.choice([0, 3])
    values["interviews"] = values["interviews_chief"] + chooser.choice([0, 2])
    # the 其中 row is part of its total (GK831)
    values["published"] = max(values["published"], values["published_normative"])
    return values


def render_old(values: dict[str, int], year: int = 2017, narrative: str = "") -> Rendered:
    """An old-format report whose 附表 is the national statistics table, tab-separated."""
    out = Rendered()
    out.add(f"示范县人民政府办公室{year}年政府信息公开工作年度报告\n\n")
    out.add(f"本报告所列数据的统计期限自{year}年1月1日至{year}年12月31日。\n\n")
    out.add("一、概述\n本办认真贯彻《中华人民共和国政府信息公开条例》，依法做好政府信息公开工作。\n\n")
    out.add("二、主动公开政府信息情况\n本年通过门户网站主动公开政府信息。\n\n")
    out.add("三、依申请公开政府信息情况\n" + (narrative or "本年依法办理政府信息公开申请。") + "\n\n")
    out.add("四、政府信息公开的收费及减免情况\n本年未收取任何费用。\n\n")
    out.add("五、因政府信息公开申请行政复议、提起行政诉讼的情况\n情况见附表。\n\n")
    out.add("六、存在的主要问题及改进情况\n公开内容还不够全面，下一步将加强培训。\n\n")
    out.add("七、其他需要报告的事项\n无。\n\n")
    out.add("八、附表\n政府信息公开情况统计表\n统计指标\t单位\t统计数\n")
    for key, label, unit in OLD_APPENDIX_ROWS:
        if key is None:
            out.add(f"{label}\t\t——\n")
            continue
        out.add(f"{label}\t{unit}\t")
        out.add(str(values[key]), ("old_appendix", key, "value"))
        out.add("\n")
    return out
