"""Kazakh Latin <-> Cyrillic, for search: a name typed in Latin script finds its Cyrillic record.

Approximate on purpose (trigram search absorbs the rest): it covers the 2021 official Latin
alphabet (ä ğ ı ñ ö ū ü ş), the 2018 apostrophe spelling and common English-style digraphs
(sh, zh, ch, kh, ng, ya, yu).
"""

LATIN_DIGRAPHS = [
    ("shch", "щ"), ("sh", "ш"), ("zh", "ж"), ("ch", "ч"), ("kh", "х"), ("ts", "ц"),
    ("ya", "я"), ("ia", "я"), ("yu", "ю"), ("iu", "ю"), ("yo", "ё"), ("ng", "ң"),
    ("a'", "ә"), ("o'", "ө"), ("u'", "ү"), ("g'", "ғ"), ("n'", "ң"), ("i'", "і"), ("s'", "ш"),
    ("c'", "ч"),
]  # fmt: skip
LATIN_LETTERS = {
    "a": "а", "b": "б", "c": "ц", "d": "д", "e": "е", "f": "ф", "g": "г", "h": "х", "i": "и",
    "j": "ж", "k": "к", "l": "л", "m": "м", "n": "н", "o": "о", "p": "п", "q": "қ", "r": "р",
    "s": "с", "t": "т", "u": "у", "v": "в", "w": "у", "x": "х", "y": "й", "z": "з", "ä": "ә",
    "ğ": "ғ", "ı": "і", "ñ": "ң", "ö": "ө", "ū": "ұ", "ü": "ү", "ş": "ш", "ç": "ч", "é": "е",
}  # fmt: skip
CYRILLIC_TO_LATIN = {
    "а": "a", "ә": "ä", "б": "b", "в": "v", "г": "g", "ғ": "ğ", "д": "d", "е": "e", "ё": "io",
    "ж": "j", "з": "z", "и": "i", "й": "i", "к": "k", "қ": "q", "л": "l", "м": "m", "н": "n",
    "ң": "ñ", "о": "o", "ө": "ö", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ұ": "ū",
    "ү": "ü", "ф": "f", "х": "h", "һ": "h", "ц": "ts", "ч": "ch", "ш": "ş", "щ": "şş", "ъ": "",
    "ы": "y", "і": "i", "ь": "", "э": "e", "ю": "iu", "я": "ia",
}  # fmt: skip


def latin_to_cyrillic(text: str) -> str:
    text = text.lower()
    out, i = [], 0
    while i < len(text):
        for latin, cyrillic in LATIN_DIGRAPHS:
            if text.startswith(latin, i):
                out.append(cyrillic)
                i += len(latin)
                break
        else:
            out.append(LATIN_LETTERS.get(text[i], text[i]))
            i += 1
    return "".join(out)


def cyrillic_to_latin(text: str) -> str:
    return "".join(CYRILLIC_TO_LATIN.get(c, c) for c in text.lower())


def search_variants(text: str) -> list[str]:
    """The query as typed, plus its other-script reading when it is written in one script."""
    variants = [text]
    letters = [c for c in text.lower() if c.isalpha()]
    if letters and all(c in LATIN_LETTERS for c in letters):
        variants.append(latin_to_cyrillic(text))
    elif letters and all(c in CYRILLIC_TO_LATIN for c in letters):
        variants.append(cyrillic_to_latin(text))
    return list(dict.fromkeys(variants))


# A lossy common skeleton of Kazakh/Russian Cyrillic, the Kazakh Latin alphabets and English-style
# spellings: "Ақсу", "Аксу", "Aqsu" and "Aksu" all become "aksu", "Қызылорда" and "Kyzylorda"
# "kizilorda". For finding a known name in free text, not for display.
FOLD = {
    **{c: c for c in "abcdefghiklmnoprstuvz0123456789"},
    "а": "a", "ә": "a", "б": "b", "в": "v", "г": "g", "ғ": "g", "д": "d", "е": "e", "ё": "io",
    "ж": "zh", "з": "z", "и": "i", "й": "i", "і": "i", "к": "k", "қ": "k", "л": "l", "м": "m",
    "н": "n", "ң": "n", "о": "o", "ө": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
    "ұ": "u", "ү": "u", "ф": "f", "х": "kh", "һ": "h", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "i", "ь": "", "э": "e", "ю": "iu", "я": "ia",
    "ä": "a", "ç": "ch", "é": "e", "ğ": "g", "ı": "i", "j": "zh", "ñ": "n", "ö": "o", "q": "k",
    "ş": "sh", "ū": "u", "ü": "u", "w": "u", "x": "kh", "y": "i",
    "'": "", "’": "", "ʼ": "", "ʻ": "", "`": "",
}  # fmt: skip


def fold(text: str) -> tuple[str, list[int]]:
    """`text` as its skeleton (see FOLD), and for each character of the skeleton the index of
    the character of `text` it came from, so a match in the skeleton maps back to the text.
    Characters FOLD does not know (spaces, punctuation, other scripts) are kept, lower-cased."""
    folded, origin = [], []
    for index, char in enumerate(text):
        # One letter, as PostgreSQL's lower() makes it (mura_fold): "İ" is "i", not "i̇".
        lower = char.lower()[:1]
        for out in FOLD.get(lower, lower):
            folded.append(out)
            origin.append(index)
    return "".join(folded), origin
