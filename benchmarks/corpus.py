"""Generate a deterministic corpus of varied synthetic reports for benchmarks and batch tests.

    python benchmarks/corpus.py OUT_DIR [--count 10000] [--seed 2024] [--size 15000]

Each report is a plausible 政府信息公开工作年度报告 of one era (old 2008-2018, 2019 trial,
2021 format) of about ``--size`` bytes (UTF-8), in .txt or .md, with a few faults drawn at random:
placeholders (XX年), web-page debris, a broken 一是/二是 series, a date written 20231231, a cut-off
ending. Same seed, same corpus.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

AGENCIES = ("市发展和改革委员会", "区教育局", "县自然资源局", "市生态环境局", "区卫生健康委员会", "县人民政府办公室",
            "市住房和城乡建设局", "区市场监督管理局", "县农业农村局", "市交通运输局")
PLACES = ("赣州", "南昌", "九江", "吉安", "宜春", "上饶", "抚州", "萍乡", "鹰潭", "新余")
PARTS = {
    "old": ("概述", "主动公开政府信息情况", "依申请公开政府信息情况", "政府信息公开的收费及减免情况",
            "因政府信息公开申请行政复议、提起行政诉讼的情况", "存在的主要问题及改进情况", "其他需要报告的事项"),
    "2019": ("总体情况", "主动公开政府信息情况", "收到和处理政府信息公开申请情况", "政府信息公开行政复议、行政诉讼情况",
             "存在的主要问题及改进情况", "其他需要报告的事项"),
    "2021": ("总体情况", "主动公开政府信息情况", "收到和处理政府信息公开申请情况", "政府信息公开行政复议、行政诉讼情况",
             "存在的主要问题及改进情况", "其他需要报告的事项"),
}
SENTENCES = ("深入贯彻落实《中华人民共和国政府信息公开条例》，坚持以公开为常态、不公开为例外",
             "围绕中心工作，进一步加大重点领域信息公开力度，及时回应社会关切",
             "完善政府信息公开工作机制，明确专人负责信息的收集、审核和发布",
             "加强政策解读，通过图文、视频等多种形式解读重要政策文件",
             "强化政府网站和政务新媒体管理，定期开展内容检查和安全评估",
             "依法依规办理政府信息公开申请，做到件件有回复、事事有着落",
             "组织开展政府信息公开业务培训，提升工作人员的业务能力",
             "严格落实保密审查制度，确保公开的信息不涉及国家秘密")
ORDINALS = "一二三四五六七八九十"
CHINESE_TEN = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十")


def _year_for(era: str, rng: random.Random) -> int:
    return {"old": rng.randint(2009, 2018), "2019": rng.randint(2019, 2020), "2021": rng.randint(2021, 2024)}[era]


def _paragraph(rng: random.Random, year: int, faults: set[str]) -> str:
    count = rng.randint(3, 5)
    items = [f"{CHINESE_TEN[index]}是{rng.choice(SENTENCES)}，全年共发布相关信息{rng.randint(10, 900)}条。"
             for index in range(count)]
    if "series" in faults and count > 2:
        del items[1]
        faults.discard("series")
    return f"{year}年，我单位工作如下：" + "".join(items)


def _table(rng: random.Random, era: str) -> list[str]:
    if era == "old":
        return [f"主动公开政府信息{rng.randint(100, 5000)}条，其中全文电子化率100%。",
                f"受理政府信息公开申请{rng.randint(0, 80)}件，均已按时答复。"]
    rows = ["| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |", "| --- | --- | --- | --- |"]
    for label in ("规章", "行政规范性文件"):
        rows.append(f"| {label} | {rng.randint(0, 20)} | {rng.randint(0, 5)} | {rng.randint(0, 90)} |")
    return rows


def generate_report(index: int, seed: int, size: int) -> tuple[str, str]:
    """(file name, text) of report ``index`` of the corpus."""
    rng = random.Random(seed * 1_000_003 + index)
    era = rng.choice(("old", "2019", "2021"))
    year = _year_for(era, rng)
    agency = rng.choice(PLACES) + rng.choice(AGENCIES)
    faults = {fault for fault in ("placeholder", "debris", "series", "date", "cut") if rng.random() < 0.2}
    title_year = "XX" if "placeholder" in faults else str(year)
    lines = [f"{agency}{title_year}年政府信息公开工作年度报告", ""]
    lines.append(f"本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。")
    for number, part in enumerate(PARTS[era]):
        lines += ["", f"{ORDINALS[number]}、{part}"]
        for sub in range(rng.randint(2, 3)):
            lines.append(f"（{ORDINALS[sub]}）{rng.choice(SENTENCES)[:12]}")
            lines.append(_paragraph(rng, year, faults))
        if number == 1:
            lines += _table(rng, era)
    if "date" in faults:
        lines.append(f"特此报告。{year}1231")
    else:
        lines.append(f"{agency}\n{year + 1}年1月{rng.randint(10, 28)}日")
    if "debris" in faults:
        lines.append("【打印本页】 【关闭窗口】")
    text = "\n".join(lines)
    while len(text.encode()) < size:
        text = text.replace("\n六、", "\n" + _paragraph(rng, year, set()) + "\n六、", 1) \
            if "\n六、" in text else text + "\n" + _paragraph(rng, year, set())
    if "cut" in faults:
        text = text[: int(len(text) * 0.9)]
    suffix = ".md" if index % 5 == 0 else ".txt"
    return f"{index // 100:03d}/report-{index:05d}{suffix}", text + "\n"


def write_corpus(out: Path, count: int, seed: int = 2024, size: int = 15_000) -> list[Path]:
    written = []
    for index in range(count):
        name, text = generate_report(index, seed, size)
        target = out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        written.append(target)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--size", type=int, default=15_000)
    arguments = parser.parse_args()
    files = write_corpus(arguments.out, arguments.count, arguments.seed, arguments.size)
    print(f"wrote {len(files)} reports to {arguments.out}")


if __name__ == "__main__":
    main()
