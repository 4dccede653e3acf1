"""TeX accents in titles and abstracts become Unicode; nothing else changes."""

import pytest

from kg.ingest.tex import decode_accents, decode_tex
from kg.ingest.text import clean_text


@pytest.mark.parametrize(
    "tex, text",
    [
        (r"Fr\'echet Inception Distance", "Fréchet Inception Distance"),
        (r"Fr\'{e}chet", "Fréchet"),
        (r"{\'e}cole", "école"),
        (r"G\"{o}del and Schr\"odinger", "Gödel and Schrödinger"),
        (r"Erd\H{o}s", "Erdős"),
        (r"na\"{\i}ve", "naïve"),
        (r"\v{S}koda", "Škoda"),
        (r"\c{C}a\u{g}r{\i}", "Ça\u011fr\u0131"),
        (r"Ho\~{n}o and Ho\~no", "Hoño and Hoño"),
        (r"Stra\ss e and Stra{\ss}e", "Straße and Straße"),
        (r"{\o}rsted, \AA{}ngstr\"om", "ørsted, Ångström"),
        (r"\l{}\'od\'z", "łódź"),
    ],
)
def test_accents_become_letters(tex, text):
    assert decode_accents(tex) == text


@pytest.mark.parametrize(
    "text",
    [
        r"$\alpha$-divergence",
        r"\omega and \Lambda and \emph{x}",
        r"a backslash \ alone",
        r"\'t has no precomposed letter",
        "plain text",
    ],
)
def test_other_commands_stay(text):
    assert decode_accents(text) == text


def test_escaped_apostrophes_are_apostrophes():
    assert decode_accents(r"the model\'s accuracy, we don\'t") == "the model's accuracy, we don't"


def test_clean_text_decodes_accents():
    assert clean_text(r"The Fr\'echet  distance") == "The Fréchet distance"


@pytest.mark.parametrize(
    "tex, text",
    [
        (r"Meta Visual Prompting~(DAM-VP)", "Meta Visual Prompting (DAM-VP)"),
        (r"as in Fig.~3 and Table~2", "as in Fig. 3 and Table 2"),
        (r"et al.~[4] and Section~\ref{x}", r"et al. [4] and Section \ref{x}"),
        ("http://www.cs.x.edu/~user and a~b", "http://www.cs.x.edu/~user and a~b"),
        ("https://A~0:pw@github.com/x~1 and https://x.org/A~B", "https://A~0:pw@github.com/x~1 and https://x.org/A~B"),
        (r"$x \sim y$ and ~5%", r"$x \sim y$ and ~5%"),
    ],
)
def test_ties_become_spaces(tex, text):
    assert decode_tex(tex) == text
