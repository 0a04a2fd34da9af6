"""Draft the 繁體中文 catalogue's missing entries from the 简体中文 ones (a translator's aid).

    pip install opencc && python scripts/hant_from_hans.py

For every message the zh_Hant catalogue lacks (empty or fuzzy) and zh_Hans has translated,
writes OpenCC's Simplified-to-Taiwan conversion (``s2twp``: characters and Taiwan phrasing,
程式, 檔案, 預設 ...) with the corrections below, and marks it fuzzy: a draft a reader of
Traditional Chinese reviews, then drops the flag (``tests/test_i18n.py`` fails while any is fuzzy).
Entries already translated are never touched. OpenCC is only this script's: not a dependency.
"""
from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gradscape.i18n import catalogue_path  # noqa: E402

# OpenCC's Taiwan phrasing, corrected to the seeds' terms (seed 003: 最優化, 參數, 函數) and to
# the glossary's (小批量, 局部最小值, 全域).
FIX = (("最佳化器", "優化器"), ("最佳化", "最優化"), ("引數", "參數"), ("小批次", "小批量"), ("批次", "批量"),
       ("全域性", "全域"), ("區域性", "局部"), ("型別", "類型"), ("實現", "實作"), ("文本", "文字"),
       ("噪聲", "雜訊"), ("幻燈片", "投影片"), ("當前", "目前"), ("訪問者", "訪客"), ("許可證", "授權"),
       ("函式", "函數"), ("迴圈", "循環"), ("配置", "設定檔"), ("設定檔檔案", "設定檔"), ("“", "「"), ("”", "」"))
# Taiwan: a table's row is 列 and a column 欄 (the mainland's 行 and 列), a column of text 欄.
ROWS_COLUMNS = (("第 {column} 列", "第 {column} 欄"), ("包含列 {columns}", "包含欄位 {columns}"),
                ("行的梯度", "列的梯度"), ("全部行", "全部列"), ("（{n} 行）", "（{n} 列）"),
                ("最多 {n} 行", "最多 {n} 列"), ("行數 n", "列數 n"), ("資料行", "資料列"),
                ("中的行", "中的列"), ("所有行", "所有列"), ("（50 行）", "（50 列）"))


def traditional(text: str, msgid: str, convert) -> str:
    out = convert(text)
    for a, b in FIX + ROWS_COLUMNS:
        out = out.replace(a, b)
    return out.replace("預設", "預設集") if "preset" in msgid.lower() else out   # 預設 is "default"


def main() -> None:
    import opencc
    convert = opencc.OpenCC("s2twp").convert
    with catalogue_path("zh-Hans").open("rb") as po:
        hans = {m.id: m.string for m in read_po(po, locale="zh_Hans") if m.id and m.string and not m.fuzzy}
    path = catalogue_path("zh-Hant")
    with path.open("rb") as po:
        hant = read_po(po, locale="zh_Hant")
    drafted = 0
    for m in hant:
        if m.id and (not m.string or m.fuzzy) and m.id in hans:
            m.string, drafted = traditional(hans[m.id], m.id, convert), drafted + 1
            m.flags.add("fuzzy")
    with path.open("wb") as out:
        write_po(out, hant, width=100, ignore_obsolete=True)
    print(f"zh-Hant: {drafted} drafts (fuzzy) to review")


if __name__ == "__main__":
    main()
