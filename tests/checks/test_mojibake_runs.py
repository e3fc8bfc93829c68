"""kind mojibake: the shortcut over rare letters finds exactly the runs a plain scan of every
letter run finds (``_rare_letters_close`` may only skip texts without such runs)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.checks import mojibake

COMMON, RARE = "政府信息公开工作", "鏀垮簻淇℃伅鍏紑"


def _plain(folded: str, min_length: int, share: float) -> list[tuple[int, int]]:
    runs = []
    for match in mojibake._LETTER_RUN.finditer(folded):
        run = match.group()
        common = len(run) - len(run.translate(mojibake._without_common()))
        if len(run) >= min_length and common / len(run) <= share:
            runs.append(match.span())
    return runs


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=COMMON + RARE + " ，。\n", max_size=80), st.integers(2, 9),
       st.sampled_from([0.0, 0.2, 0.4, 0.5, 0.75, 0.9]))
def test_rare_runs_match_a_plain_scan(text: str, min_length: int, share: float) -> None:
    found = list(mojibake._runs_with_rare_letters(text, min_length, share))
    assert found == _plain(text, min_length, share)


def test_scattered_rare_letters_are_skipped_and_dense_ones_kept() -> None:
    assert not mojibake._rare_letters_close([3, 40, 90], 6, 0.4)
    assert mojibake._rare_letters_close([3, 4, 6], 6, 0.4)
    assert list(mojibake._runs_with_rare_letters("我们" + RARE + "。", 6, 0.4)) == [(0, 2 + len(RARE))]
