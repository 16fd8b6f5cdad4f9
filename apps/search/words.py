"""How search reads text: one spelling for the many ways a name is written.

PGC-1 with a Greek alpha, "PGC-1a", "PGC1alpha" and "pgc 1 alpha" are one name, as are
"GLUT4", "GLUT-4" and "glut 4". Indexed text and the query go through the same folding (case,
accents, Greek letters to their names, the one-letter "1a"/"1b" abbreviations of Greek letters
after a digit), and words that a hyphen, or a space between letters and digits, splits are
joined. The index keeps both the split words and the joined one, so "anti-inflammatory" is
found by "anti inflammatory", "antiinflammatory" and "anti-inflammatory" alike; a query keeps
only the joined form, which the index holds whichever way the text wrote it.
"""

import functools
import re
import unicodedata

# The small Greek letters (final sigma too) and their names: alpha, beta, ... omega.
GREEK_NAMES = {
    chr(code): unicodedata.name(chr(code)).split()[-1].lower().replace("lamda", "lambda")
    for code in range(0x3B1, 0x3CA)
}
GREEK_LETTER = re.compile("|".join(GREEK_NAMES))
# After a digit, a lone a, b, g or k stands for a Greek letter: PGC-1a, IL-1b, PPARGC1A.
GREEK_ABBREVIATION = re.compile(r"(?<=\d)([abgk])$")
ABBREVIATED = {"a": "alpha", "b": "beta", "g": "gamma", "k": "kappa"}
WORD = re.compile(r"[^\W_]+")
HYPHENS = {"-", "\u2010", "\u2011", "\u2012", "\u2013", "/"}  # hyphens and dashes, and a slash


@functools.lru_cache(maxsize=65536)  # a text repeats its words; folding each costs
def fold(word):
    """One word as the index spells it: lower case, no accents, Greek letters named."""
    word = unicodedata.normalize("NFKC", word).casefold()
    word = GREEK_LETTER.sub(lambda match: GREEK_NAMES[match.group()], word)
    word = "".join(
        char for char in unicodedata.normalize("NFKD", word) if not unicodedata.combining(char)
    )
    return GREEK_ABBREVIATION.sub(lambda match: ABBREVIATED[match.group(1)], word)


def words(text):
    """(folded word, start, end, separator before it) for each word of `text`, with the
    character positions in `text` itself, so a match can be marked in the original."""
    return list(iter_words(text))


def joins(before, separator, after):
    """Whether two neighbouring words are one name written in two pieces."""
    if separator in HYPHENS:
        return True
    if separator.strip(" ") or not separator:
        return False
    # "glut 4", "pgc 1 alpha": a space between letters and a number, or a number and a Greek
    # letter's name. (Between two plain words a space is a space.)
    return (before[-1].isalpha() and after[0].isdigit()) or (
        before[-1].isdigit() and after in GREEK_NAMES.values()
    )


def runs(found):
    """The words grouped into runs that `joins` holds together."""
    grouped = []
    for index, (word, *_rest, separator) in enumerate(found):
        if index and joins(found[index - 1][0], separator, word):
            grouped[-1].append(index)
        else:
            grouped.append([index])
    return grouped


def index_terms(text):
    """The words the index holds for `text`: each word, and each joined run."""
    found = words(text)
    terms = [word for word, *_ in found]
    terms += ["".join(found[i][0] for i in run) for run in runs(found) if len(run) > 1]
    return " ".join(terms)


def query_terms(text):
    """The words of a query, each run joined into one, without repeats."""
    found = words(text)
    return list(dict.fromkeys("".join(found[i][0] for i in run) for run in runs(found)))


def one_edit_apart(first, second):
    """Whether one letter added, dropped, changed or two neighbours swapped turns `first`
    into `second` (the Damerau-Levenshtein distance is exactly 1)."""
    if first == second or abs(len(first) - len(second)) > 1:
        return False
    if len(first) == len(second):
        differ = [i for i, (a, b) in enumerate(zip(first, second, strict=True)) if a != b]
        if len(differ) == 1:
            return True
        return (
            len(differ) == 2
            and differ[1] == differ[0] + 1
            and first[differ[0]] == second[differ[1]]
            and first[differ[1]] == second[differ[0]]
        )
    shorter, longer = sorted((first, second), key=len)
    for index, char in enumerate(shorter):
        if char != longer[index]:
            return shorter[index:] == longer[index + 1 :]
    return True


SNIPPET_BEFORE = 60
SNIPPET_LENGTH = 220


def iter_words(text):
    """words(), one at a time."""
    previous_end = 0
    for match in WORD.finditer(text):
        folded = fold(match.group())
        if folded:
            yield (folded, match.start(), match.end(), text[previous_end : match.start()])
        previous_end = match.end()


def marked(text, terms, whole=False):
    """`text` (or, unless `whole`, a stretch of it around the first match) as a list of
    (piece, is_match) pairs, every word that a query term starts marked. The pieces are plain
    text: the template escapes them, so nothing in a title or text can become markup."""
    found = []
    source = iter_words(text)

    def read_up_to(index):
        """Whether word `index` exists, reading words only as far as needed (a long text's
        snippet is usually near its start)."""
        while len(found) <= index:
            word = next(source, None)
            if word is None:
                return False
            found.append(word)
        return True

    spans = []
    index = 0
    while read_up_to(index):
        if spans and not whole and found[index][1] > spans[0][0] + SNIPPET_LENGTH:
            break  # past the stretch shown
        joined = ""
        end = index
        while end < index + 4 and read_up_to(end):
            if end > index and not joins(found[end - 1][0], found[end][3], found[end][0]):
                break
            joined += found[end][0]
            hit = next((term for term in terms if joined.startswith(term)), None)
            if hit and (end == index or not found[index][0].startswith(hit)):
                spans.append((found[index][1], found[end][2]))
                break
            if not any(term.startswith(joined) for term in terms):
                break
            end += 1
        index += 1
    if whole:
        start, stop = 0, len(text)
    else:
        first, first_end = spans[0] if spans else (0, 0)
        start = 0
        if first > SNIPPET_BEFORE:  # begin at a word a little before the match
            space = text.rfind(" ", first - 2 * SNIPPET_BEFORE, first - SNIPPET_BEFORE)
            start = space + 1 if space >= 0 else first - SNIPPET_BEFORE
        stop = len(text)
        if stop - start > SNIPPET_LENGTH:  # end at a word, after the match
            stop = max(start + SNIPPET_LENGTH, first_end)
            space = text.rfind(" ", first_end, stop)
            stop = space if space > first_end else stop
    pieces = [("…", False)] if start > 0 else []
    position = start
    for span_start, span_end in spans:
        if span_start < position or span_end > stop:
            continue
        if span_start > position:
            pieces.append((text[position:span_start], False))
        pieces.append((text[span_start:span_end], True))
        position = span_end
    if position < stop:
        pieces.append((text[position:stop], False))
    if stop < len(text):
        pieces.append(("…", False))
    return pieces
