"""Ordinal numerals: Chinese (一 … 九十九, 〇/零) and Arabic, to integers."""

from __future__ import annotations

import functools

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}


def chinese_to_int(text: str) -> int | None:
    """``"十三"`` -> 13, ``"二十"`` -> 20, ``"一百零五"`` -> 105; None if ``text`` is not a numeral."""
    if not text:
        return None
    if "万" in text:
        high, _, low = text.partition("万")
        high_value = chinese_to_int(high) if high else 1
        low_value = chinese_to_int(low) if low else 0
        if high_value is None or low_value is None:
            return None
        return high_value * 10000 + low_value
    total = 0
    pending: int | None = None
    for char in text:
        if char in _DIGITS:
            pending = _DIGITS[char]
        elif char in _UNITS:
            total += (pending if pending is not None else 1) * _UNITS[char]
            pending = None
        else:
            return None
    if pending is not None:
        total += pending
    return total


@functools.lru_cache(maxsize=4096)  # markers repeat (一 二 三 …): one parse each
def ordinal_value(text: str, numeral: str) -> int | None:
    """The integer an ordinal marker's number stands for (``numeral`` is chinese or arabic)."""
    if numeral == "arabic":
        return int(text) if text.isdigit() else None
    return chinese_to_int(text)


def int_to_chinese(value: int) -> str:
    """13 -> ``"十三"`` (1..99), used to name a missing ordinal in messages."""
    names = "零一二三四五六七八九"
    if value < 10:
        return names[value]
    tens, ones = divmod(value, 10)
    return ("" if tens == 1 else names[tens]) + "十" + (names[ones] if ones else "")
