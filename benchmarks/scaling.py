"""Cost per KB of reading and checking one text file, from 15 KB to 15 MB (issue 11: linear time).

    python -m benchmarks.scaling [--sizes 15,150,1500,15000] [--kinds prose,tables,longline] [--repeat 1]

Three shapes of input, each grown to every size (KB of UTF-8):
  prose     a report's title, section headings and narrative paragraphs (numbers, placeholders,
            一是/二是 series, sentences with totals and their parts), repeated;
  tables    the same title and a pipe table of label | number rows, one row per line;
  longline  the title, then everything on ONE line with no sentence end (the case where a search
            for the sentence around each match used to scan back to the start of the text).
For each size: seconds, ms per KB, and the ratio of the largest to the smallest ms/KB of that
shape. Linear time means a flat ms/KB; the target is a ratio within 1.5x. A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import gc
import random
import time

from auditor.engine import check_document
from auditor.readers import read_bytes
from auditor.rulebook import Rulebook, load_rulebook

TITLE = "某市某区人民政府办公室2023年政府信息公开工作年度报告\n"
SENTENCES = ("深入贯彻落实《中华人民共和国政府信息公开条例》，坚持以公开为常态、不公开为例外",
             "全年共收到政府信息公开申请{n}件，其中当面申请{a}件，网络申请{b}件",
             "主动公开政府信息{n}条，其中规范性文件{a}条，XX年度重点工作{b}条",
             "一是完善工作机制，二是加强政策解读，三是强化平台建设",
             "依法依规办理政府信息公开申请，做到件件有回复、事事有着落",
             "截至20231231，共发布政策解读{n}篇，回应关切{a}次")
HEADINGS = ("一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
            "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项")


def _sentence(rng: random.Random) -> str:
    a, b = rng.randint(1, 60), rng.randint(1, 60)
    return rng.choice(SENTENCES).format(n=a + b, a=a, b=b)


def prose(size: int, rng: random.Random) -> str:
    parts, length, section = [TITLE], len(TITLE.encode()), 0
    while length < size:
        if rng.random() < 0.05:
            piece = HEADINGS[section % len(HEADINGS)] + "\n"
            section += 1
        else:
            piece = "。".join(_sentence(rng) for _ in range(rng.randint(2, 5))) + "。\n"
        parts.append(piece)
        length += len(piece.encode())
    return "".join(parts)


def tables(size: int, rng: random.Random) -> str:
    parts = [TITLE, "| 指标 | 数量 | 备注 |\n", "| --- | --- | --- |\n"]
    length = sum(len(part.encode()) for part in parts)
    while length < size:
        row = f"| {rng.choice(HEADINGS)[2:]}{rng.randint(1, 999)} | {rng.randint(0, 9999)} | {rng.choice('无—XX')} |\n"
        parts.append(row)
        length += len(row.encode())
    return "".join(parts)


def longline(size: int, rng: random.Random) -> str:
    parts, length = [TITLE], len(TITLE.encode())
    while length < size:
        piece = _sentence(rng) + "，"
        parts.append(piece)
        length += len(piece.encode())
    return "".join(parts) + "\n"


SHAPES = {"prose": prose, "tables": tables, "longline": longline}
_RULEBOOK: list[Rulebook] = []  # loaded once: its cost is not the text's


def measure(text: str, repeat: int) -> float:
    rulebook = _RULEBOOK[0] if _RULEBOOK else _RULEBOOK.append(load_rulebook()) or _RULEBOOK[0]
    data = text.encode("utf-8")
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        check_document(read_bytes("scaling.txt", data), rulebook)
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="15,150,1500,15000", help="sizes in KB, comma-separated")
    parser.add_argument("--kinds", default=",".join(SHAPES))
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    measure(prose(15_000, random.Random(0)), 1)  # warm up: imports, compiled rules
    print("| shape | KB | seconds | ms/KB |\n|---|---|---|---|")
    for kind in args.kinds.split(","):
        costs = []
        for size in sizes:
            text = SHAPES[kind](size * 1000, random.Random(size))
            seconds = measure(text, args.repeat)
            costs.append(seconds * 1000 / size)
            print(f"| {kind} | {size:,} | {seconds:.2f} | {costs[-1]:.3f} |", flush=True)
        print(f"| {kind} | max/min ms per KB | | {max(costs) / min(costs):.2f}x |", flush=True)


if __name__ == "__main__":
    main()
