"""Say where a SPARQL query is wrong and what was expected there.

Oxigraph decides whether a query is valid; its parse errors, though, point at the furthest
character its parser looked at (often the end of the query) and list grammar internals
("expected one of BIND, [_]"). This module re-reads a query that Oxigraph rejected with a
small recursive-descent checker of the SPARQL 1.1 query grammar (plus the SPARQL 1.2 triple
terms, annotations and LATERAL that Oxigraph accepts) and names the first token that cannot
continue the query, what could have come instead, and a hint for the common mistakes
(unknown prefix, relative IRI, ungrouped variable, a missing ``AS``, ``.`` or bracket).

It never decides validity: :func:`kg.sparql.query.syntax_message` uses its answer only
when Oxigraph rejected the query too, and falls back to Oxigraph's own (cleaned) message
when the checker finds nothing.

>>> print(diagnose("SELEC ?x WHERE { ?x ?p ?o }"))
line 1, column 1: expected SELECT, CONSTRUCT, ASK or DESCRIBE, found 'SELEC' (did you mean SELECT?)
>>> print(diagnose("SELECT ?x WHERE {\\n  ?x kg:title\\n}", {"kg": "https://w3id.org/kg/ontology#"}))
line 3, column 1: expected an object after the predicate kg:title, found '}'
>>> diagnose("ASK { ?s ?p ?o }") is None
True
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import NoReturn

__all__ = ["QUERY_FORMS", "Diagnosis", "diagnose"]

QUERY_FORMS = "SELECT, CONSTRUCT, ASK or DESCRIBE"


@dataclass(frozen=True)
class Diagnosis:
    """Where the query goes wrong (1-based line and column, character offset) and what is wrong."""

    line: int
    column: int
    offset: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column}: {self.message}"


@dataclass(frozen=True)
class _Tok:
    kind: str  # IRI PNAME BNODE VAR LANG STRING NUMBER WORD PUNCT EOF ERR
    text: str
    start: int


class _Fail(Exception):
    def __init__(self, start: int, message: str) -> None:
        super().__init__(message)
        self.start = start
        self.message = message


# --------------------------------------------------------------------------- lexer

_WS = re.compile(r"(?:\s+|#[^\n\r]*)+")
_IRI = re.compile(r"<[^<>\"{}|^`\\\x00-\x20]*>")
_BAD_IRI = re.compile(r"<[^<>\s]*[\"{}|^`\\][^<>\s]*>|<[^<>\n]*\s[^<>\n]*>")
_STRINGS = (
    re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""', re.S),
    re.compile(r"'''(?:[^'\\]|\\.|'(?!''))*'''", re.S),
    re.compile(r'"(?:[^"\\\n\r]|\\.)*"'),
    re.compile(r"'(?:[^'\\\n\r]|\\.)*'"),
)
_VAR = re.compile(r"[?$][^\W][\w\u00B7\u0300-\u036F\u203F-\u2040]*")
_BNODE = re.compile(r"_:[\w](?:[\w.\-]*[\w\-])?")
_LANG = re.compile(r"@[A-Za-z]+(?:-[A-Za-z0-9]+)*(?:--[A-Za-z]+)?")
_NUMBER = re.compile(r"\d+\.\d*[eE][+-]?\d+|\d*\.\d+(?:[eE][+-]?\d+)?|\d+(?:[eE][+-]?\d+)?")
_NAME = re.compile(r"[^\W\d_](?:[\w\-.]*[\w\-])?")  # a keyword or the prefix of a prefixed name
_LOCAL = re.compile(r"(?:(?:[\w:]|%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%])"
                    r"(?:[\w:\-]|%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]|\.(?=[\w:\-%\\]))*)?")
_PUNCT = ("<<(", ")>>", "^^", "&&", "||", "!=", "<=", ">=", "<<", ">>", "{|", "|}",
          "{", "}", "(", ")", "[", "]", ".", ",", ";", "*", "/", "|", "^", "!", "=", "<", ">", "+",
          "-", "?", "~")


def _lex(text: str, pos: int = 0, less_than: int = -1) -> list[_Tok]:
    """Tokens of `text` from `pos`; a ``<`` at offset `less_than` is an operator, not an IRI."""
    toks: list[_Tok] = []
    n = len(text)
    while True:
        m = _WS.match(text, pos)
        if m:
            pos = m.end()
        if pos >= n:
            toks.append(_Tok("EOF", "", n))
            return toks
        c = text[pos]
        m = None
        kind = ""
        if c == "<" and pos != less_than and (m := _IRI.match(text, pos)):
            kind = "IRI"
        elif c in "\"'":
            for rx in _STRINGS:
                if m := rx.match(text, pos):
                    kind = "STRING"
                    break
            else:
                toks.append(_Tok("ERR", f"this string has no closing {c}", pos))
                return toks
        elif c in "?$" and (m := _VAR.match(text, pos)):
            kind = "VAR"
        elif c == "_" and (m := _BNODE.match(text, pos)):
            kind = "BNODE"
        elif c == "@":
            if not (m := _LANG.match(text, pos)):
                toks.append(_Tok("ERR", "expected a language tag after @ (such as @en)", pos))
                return toks
            kind = "LANG"
        elif c.isdigit() or (c == "." and pos + 1 < n and text[pos + 1].isdigit()):
            m = _NUMBER.match(text, pos)
            kind = "NUMBER"
        elif c == ":" or (m := _NAME.match(text, pos)):
            end = m.end() if m else pos
            if end < n and text[end] == ":":
                local = _LOCAL.match(text, end + 1)
                assert local is not None
                toks.append(_Tok("PNAME", text[pos:local.end()], pos))
                pos = local.end()
                continue
            assert m is not None
            word = m.group()
            if "." in word:  # "kg.x" is no keyword; "?s a ?c." ends at the dot
                word = word.split(".", 1)[0]
            toks.append(_Tok("WORD", word, pos))
            pos += len(word)
            continue
        if m is None:
            for p in _PUNCT:
                if text.startswith(p, pos):
                    toks.append(_Tok("PUNCT", p, pos))
                    pos += len(p)
                    break
            else:
                toks.append(_Tok("ERR", f"unexpected character {c!r}", pos))
                return toks
            continue
        toks.append(_Tok(kind, m.group(), pos))
        pos = m.end()


# --------------------------------------------------------------------------- grammar

# name: (min arguments, max arguments or None for any); SPARQL 1.1 built-ins and the
# SPARQL 1.2 ones Oxigraph knows
_BUILTINS: dict[str, tuple[int, int | None]] = {
    "STR": (1, 1), "LANG": (1, 1), "LANGMATCHES": (2, 2), "DATATYPE": (1, 1), "IRI": (1, 1),
    "URI": (1, 1), "BNODE": (0, 1), "RAND": (0, 0), "ABS": (1, 1), "CEIL": (1, 1), "FLOOR": (1, 1),
    "ROUND": (1, 1), "CONCAT": (0, None), "SUBSTR": (2, 3), "STRLEN": (1, 1), "REPLACE": (3, 4),
    "UCASE": (1, 1), "LCASE": (1, 1), "ENCODE_FOR_URI": (1, 1), "CONTAINS": (2, 2),
    "STRSTARTS": (2, 2), "STRENDS": (2, 2), "STRBEFORE": (2, 2), "STRAFTER": (2, 2), "YEAR": (1, 1),
    "MONTH": (1, 1), "DAY": (1, 1), "HOURS": (1, 1), "MINUTES": (1, 1), "SECONDS": (1, 1),
    "TIMEZONE": (1, 1), "TZ": (1, 1), "NOW": (0, 0), "UUID": (0, 0), "STRUUID": (0, 0), "MD5": (1, 1),
    "SHA1": (1, 1), "SHA256": (1, 1), "SHA384": (1, 1), "SHA512": (1, 1), "COALESCE": (0, None),
    "IF": (3, 3), "STRLANG": (2, 2), "STRDT": (2, 2), "SAMETERM": (2, 2), "ISIRI": (1, 1),
    "ISURI": (1, 1), "ISBLANK": (1, 1), "ISLITERAL": (1, 1), "ISNUMERIC": (1, 1), "REGEX": (2, 3),
    "TRIPLE": (3, 3), "SUBJECT": (1, 1), "PREDICATE": (1, 1), "OBJECT": (1, 1), "ISTRIPLE": (1, 1),
    "LANGDIR": (1, 1), "STRLANGDIR": (3, 3), "HASLANG": (1, 1), "HASLANGDIR": (1, 1),
    "ADJUST": (1, 2),
}
_AGGREGATES = {"COUNT", "SUM", "MIN", "MAX", "AVG", "SAMPLE", "GROUP_CONCAT"}
_PATTERN_KEYWORDS = {"OPTIONAL", "MINUS", "GRAPH", "SERVICE", "FILTER", "BIND", "VALUES", "LATERAL"}
_MODIFIERS = ("GROUP", "HAVING", "ORDER", "LIMIT", "OFFSET", "VALUES")
_SCHEME = re.compile(r"<[A-Za-z][A-Za-z0-9+.\-]*:")
_PREDICATE = "a predicate (an IRI such as kg:uses, a variable or 'a')"
_PATTERN = "a triple pattern, FILTER, OPTIONAL, BIND, VALUES, MINUS, GRAPH, '{'"
_EXPRESSION = "an expression (a variable, a value, a function call or '(')"


def _did_you_mean(tok: _Tok, choices: Iterable[str]) -> str:
    """``did you mean LIMIT?`` for a word close to one of `choices` (keywords), else ``""``."""
    if tok.kind != "WORD":
        return ""
    close = difflib.get_close_matches(tok.text.upper(), list(choices), n=1, cutoff=0.78)
    return f"did you mean {close[0]}?" if close else ""


def _short(text: str, width: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


class _Checker:
    def __init__(self, text: str, prefixes: Mapping[str, str]) -> None:
        self.text = text
        self.toks = _lex(text)
        self.i = 0
        self.prefixes = set(prefixes)
        self.base = False
        self.aggregates = 0

    # ---- tokens

    @property
    def tok(self) -> _Tok:
        return self.toks[self.i]

    def peek(self, k: int = 1) -> _Tok:
        return self.toks[min(self.i + k, len(self.toks) - 1)]

    def advance(self) -> _Tok:
        tok = self.tok
        if tok.kind == "ERR":
            self.fail("", tok)
        if tok.kind != "EOF":
            self.i += 1
        return tok

    def is_kw(self, *words: str, tok: _Tok | None = None) -> bool:
        tok = tok or self.tok
        return tok.kind == "WORD" and tok.text.upper() in words

    def is_p(self, *puncts: str, tok: _Tok | None = None) -> bool:
        tok = tok or self.tok
        return tok.kind == "PUNCT" and tok.text in puncts

    def found(self, tok: _Tok | None = None) -> str:
        tok = tok or self.tok
        if tok.kind == "EOF":
            return "the end of the query"
        return repr(_short(tok.text))

    def fail(self, expected: str, tok: _Tok | None = None, hint: str = "") -> NoReturn:
        tok = tok or self.tok
        if tok.kind == "ERR":
            raise _Fail(tok.start, tok.text)
        bad = _BAD_IRI.match(self.text, tok.start, tok.start + 500) if self.is_p("<", tok=tok) else None
        if bad:
            raise _Fail(tok.start, f"invalid IRI {_short(bad.group())}: an IRI cannot contain spaces, "
                                   "quotes, braces, |, ^, ` or \\")
        msg = f"expected {expected}, found {self.found(tok)}"
        raise _Fail(tok.start, msg + (f" ({hint})" if hint else ""))

    def expect_p(self, punct: str, what: str = "", opened: _Tok | None = None) -> _Tok:
        if self.is_p(punct):
            return self.advance()
        where = f" to close the '{opened.text}' at {self.where(opened.start)}" if opened else ""
        return self.fail(f"'{punct}'{what}{where}")

    def expect_kw(self, word: str, what: str = "") -> _Tok:
        if self.is_kw(word):
            return self.advance()
        return self.fail(f"{word}{what}")

    def where(self, offset: int) -> str:
        line = self.text.count("\n", 0, offset) + 1
        col = offset - (self.text.rfind("\n", 0, offset) + 1) + 1
        return f"line {line}, column {col}"

    # ---- terms

    def iri(self, what: str = "an IRI") -> None:
        tok = self.tok
        if tok.kind == "IRI":
            if _SCHEME.match(tok.text):
                from pyoxigraph import NamedNode

                try:
                    NamedNode(tok.text[1:-1])
                except ValueError as exc:
                    raise _Fail(tok.start, f"invalid IRI {_short(tok.text)}: {str(exc)[:1].lower()}{str(exc)[1:]}"
                                ) from None
            elif not self.base:
                raise _Fail(tok.start, f"relative IRI {_short(tok.text)}: write the whole IRI "
                                       "(<https://...>) or declare BASE <...> first")
            self.advance()
        elif tok.kind == "PNAME":
            prefix = tok.text.split(":", 1)[0]
            if prefix not in self.prefixes:
                known = ", ".join(f"{p}:" for p in sorted(self.prefixes)) or "none"
                raise _Fail(tok.start, f"unknown prefix '{prefix}:' in {_short(tok.text)}; declare it "
                                       f"(PREFIX {prefix}: <https://...>) — declared: {known}")
            self.advance()
        else:
            self.fail(what)

    def is_iri(self, tok: _Tok | None = None) -> bool:
        tok = tok or self.tok
        return tok.kind in ("IRI", "PNAME")

    def is_term_start(self, tok: _Tok | None = None) -> bool:
        tok = tok or self.tok
        return (tok.kind in ("IRI", "PNAME", "VAR", "BNODE", "STRING", "NUMBER")
                or self.is_kw("TRUE", "FALSE", tok=tok)
                or self.is_p("[", "(", "<<", "<<(", "+", "-", tok=tok))

    def starts_triple(self) -> bool:
        return self.tok.kind in ("VAR", "IRI", "PNAME", "BNODE") or self.is_p("[", "<<")

    def literal_tail(self) -> None:
        if self.tok.kind == "LANG":
            self.advance()
        elif self.is_p("^^"):
            self.advance()
            self.iri("a datatype IRI after ^^ (such as xsd:integer)")

    def var_or_term(self, what: str, vars_: set[str] | None = None) -> None:
        tok = self.tok
        if tok.kind == "VAR":
            if vars_ is not None:
                vars_.add(tok.text[1:])
            self.advance()
        elif self.is_iri():
            self.iri()
        elif tok.kind == "STRING":
            self.advance()
            self.literal_tail()
        elif tok.kind == "NUMBER" or self.is_kw("TRUE", "FALSE"):
            self.advance()
        elif self.is_p("+", "-") and self.peek().kind == "NUMBER":
            self.advance()
            self.advance()
        elif tok.kind == "BNODE":
            self.advance()
        elif self.is_p("<<("):
            self.triple_term(vars_)
        elif self.is_p("<<"):
            self.reified_triple(vars_)
        else:
            self.fail(what)

    def triple_term(self, vars_: set[str] | None) -> None:
        opened = self.advance()
        self.var_or_term("the subject of the triple term", vars_)
        self.verb_simple(vars_)
        self.var_or_term("the object of the triple term", vars_)
        self.expect_p(")>>", opened=opened)

    def reified_triple(self, vars_: set[str] | None) -> None:
        opened = self.advance()
        self.var_or_term("the subject of the reified triple", vars_)
        self.verb_simple(vars_)
        self.var_or_term("the object of the reified triple", vars_)
        self.reifier(vars_)
        self.expect_p(">>", opened=opened)

    def reifier(self, vars_: set[str] | None) -> None:
        if self.is_p("~"):
            self.advance()
            if self.tok.kind == "VAR" or self.is_iri() or self.tok.kind == "BNODE":
                self.var_or_term("a reifier", vars_)

    def verb_simple(self, vars_: set[str] | None) -> None:
        if self.is_kw("A") and self.tok.text == "a":
            self.advance()
        elif self.tok.kind == "VAR":
            if vars_ is not None:
                vars_.add(self.tok.text[1:])
            self.advance()
        else:
            self.iri(_PREDICATE)

    # ---- triples (with paths in WHERE, without in CONSTRUCT templates)

    def graph_node(self, paths: bool, vars_: set[str] | None, what: str) -> None:
        if self.is_p("["):
            opened = self.advance()
            if self.is_p("]"):
                self.advance()
                return
            self.property_list(paths, vars_, "[")
            self.expect_p("]", " after the blank node's properties", opened)
        elif self.is_p("("):
            opened = self.advance()
            if self.is_p(")"):
                self.advance()
                return
            while not self.is_p(")"):
                if self.tok.kind == "EOF" or not self.is_term_start():
                    self.expect_p(")", " or another member of the list", opened)
                self.graph_node(paths, vars_, "a member of the list")
            self.advance()
        else:
            self.var_or_term(what, vars_)

    def triples_same_subject(self, paths: bool, vars_: set[str] | None) -> None:
        subject = self.tok
        if (self.is_p("[") and not self.is_p("]", tok=self.peek())) or (
                self.is_p("(") and not self.is_p(")", tok=self.peek())):
            self.graph_node(paths, vars_, "a subject")
            if self.is_verb_start(paths):
                self.property_list(paths, vars_, subject.text)
            return
        self.graph_node(paths, vars_, "a subject")
        self.property_list(paths, vars_, self.tok_text(subject))

    def tok_text(self, tok: _Tok) -> str:
        return _short(tok.text, 30)

    def is_verb_start(self, paths: bool) -> bool:
        tok = self.tok
        if tok.kind in ("VAR", "IRI", "PNAME") or (tok.kind == "WORD" and tok.text == "a"):
            return True
        return paths and self.is_p("^", "!", "(")

    def property_list(self, paths: bool, vars_: set[str] | None, after: str) -> None:
        while True:
            if not self.is_verb_start(paths):
                where = "after the subject " + after if after not in ("[", ";") else (
                    "in [ ... ]" if after == "[" else "after ';'")
                self.fail(f"{_PREDICATE} {where}")
            verb = self.tok
            self.verb(paths, vars_)
            self.object_list(paths, vars_, self.tok_text(verb))
            if not self.is_p(";"):
                return
            while self.is_p(";"):
                self.advance()
            if not self.is_verb_start(paths):  # a trailing ';' is allowed
                return

    def verb(self, paths: bool, vars_: set[str] | None) -> None:
        if self.tok.kind == "VAR" or not paths:
            self.verb_simple(vars_)
        else:
            self.path()

    def path(self) -> None:
        self.path_sequence()
        while self.is_p("|"):
            self.advance()
            self.path_sequence()

    def path_sequence(self) -> None:
        self.path_elt()
        while self.is_p("/"):
            self.advance()
            self.path_elt()

    def path_elt(self) -> None:
        if self.is_p("^"):
            self.advance()
        if self.is_kw("A") and self.tok.text == "a":
            self.advance()
        elif self.is_p("!"):
            self.advance()
            if self.is_p("("):
                opened = self.advance()
                if not self.is_p(")"):
                    self.path_one_in_set()
                    while self.is_p("|"):
                        self.advance()
                        self.path_one_in_set()
                self.expect_p(")", "", opened)
            else:
                self.path_one_in_set()
        elif self.is_p("("):
            opened = self.advance()
            self.path()
            self.expect_p(")", " after the property path", opened)
        else:
            self.iri("an IRI, a or '(' in the property path")
        if self.is_p("?", "*", "+"):
            self.advance()

    def path_one_in_set(self) -> None:
        if self.is_p("^"):
            self.advance()
        if self.is_kw("A") and self.tok.text == "a":
            self.advance()
        else:
            self.iri("an IRI or a after !")

    def object_list(self, paths: bool, vars_: set[str] | None, verb: str) -> None:
        while True:
            if not self.is_term_start():
                self.fail(f"an object after the predicate {verb}")
            self.graph_node(paths, vars_, f"an object after the predicate {verb}")
            self.annotation(paths, vars_)
            if not self.is_p(","):
                return
            self.advance()

    def annotation(self, paths: bool, vars_: set[str] | None) -> None:
        while self.is_p("~"):
            self.reifier(vars_)
        if self.is_p("{|"):
            opened = self.advance()
            self.property_list(paths, vars_, "{|")
            self.expect_p("|}", " after the annotation", opened)

    # ---- expressions

    def expression(self) -> None:
        self.and_expr()
        while self.is_p("||"):
            self.advance()
            self.and_expr()

    def and_expr(self) -> None:
        self.rel_expr()
        while self.is_p("&&"):
            self.advance()
            self.rel_expr()

    def rel_expr(self) -> None:
        self.add_expr()
        if self.tok.kind == "IRI":  # "?a<?b && ?c>1": an operator, not the IRI <?b && ?c>
            self.toks[self.i:] = _lex(self.text, self.tok.start, less_than=self.tok.start)
        if self.is_p("=", "!=", "<", ">", "<=", ">="):
            self.advance()
            self.add_expr()
        elif self.is_kw("IN"):
            self.advance()
            self.expression_list("IN")
        elif self.is_kw("NOT") and self.is_kw("IN", tok=self.peek()):
            self.advance()
            self.advance()
            self.expression_list("NOT IN")

    def add_expr(self) -> None:
        self.mul_expr()
        while self.is_p("+", "-"):
            self.advance()
            self.mul_expr()

    def mul_expr(self) -> None:
        self.unary_expr()
        while self.is_p("*", "/"):
            self.advance()
            self.unary_expr()

    def unary_expr(self) -> None:
        if self.is_p("!", "+", "-"):
            self.advance()
        self.primary()

    def primary(self) -> None:
        tok = self.tok
        if self.is_p("("):
            opened = self.advance()
            self.expression()
            self.expect_p(")", "", opened)
        elif tok.kind == "VAR":
            self.advance()
        elif tok.kind in ("STRING", "NUMBER") or self.is_kw("TRUE", "FALSE"):
            self.advance()
            if tok.kind == "STRING":
                self.literal_tail()
        elif self.is_iri():
            self.iri()
            if self.is_p("("):
                self.arg_list(_short(tok.text, 30), 0, None, distinct=True)
        elif self.is_p("<<("):
            self.triple_term(None)
        elif tok.kind == "WORD":
            self.builtin()
        else:
            self.fail(_EXPRESSION)

    def builtin(self) -> None:
        tok = self.tok
        name = tok.text.upper()
        if name in _AGGREGATES:
            self.aggregate()
        elif name == "BOUND":
            self.advance()
            opened = self.expect_p("(", " after BOUND")
            if self.tok.kind != "VAR":
                self.fail("a variable in BOUND(?var)")
            self.advance()
            self.expect_p(")", "", opened)
        elif name == "EXISTS":
            self.advance()
            self.group(set())
        elif name == "NOT" and self.is_kw("EXISTS", tok=self.peek()):
            self.advance()
            self.advance()
            self.group(set())
        elif name in _BUILTINS:
            self.advance()
            low, high = _BUILTINS[name]
            self.arg_list(tok.text, low, high, at=tok.start)
        else:
            guess = _did_you_mean(tok, (*_BUILTINS, *_AGGREGATES, "BOUND", "EXISTS"))
            self.fail(_EXPRESSION, hint=f"{tok.text} is no SPARQL function or keyword" + (
                f"; {guess}" if guess else "; functions other than the built-ins (STR, REGEX, ...) are named by IRIs"))

    def arg_list(self, name: str, low: int, high: int | None, distinct: bool = False, at: int = -1) -> None:
        if not self.is_p("("):
            self.fail(f"'(' after {name}")
        opened = self.advance()
        if distinct and self.is_kw("DISTINCT"):
            self.advance()
        count = 0
        if not self.is_p(")"):
            while True:
                self.expression()
                count += 1
                if not self.is_p(","):
                    break
                self.advance()
        if not self.is_p(")"):
            self.fail(f"',' or ')' to close the '(' of {name} at {self.where(opened.start)}")
        self.advance()
        if count < low or (high is not None and count > high):
            want = str(low) if low == high else (f"{low} to {high}" if high is not None else f"at least {low}")
            raise _Fail(at, f"{name.upper()} takes {want} argument{'s' if want != '1' else ''}, "
                                       f"found {count}")

    def aggregate(self) -> None:
        name = self.advance().text.upper()
        self.aggregates += 1
        opened = self.expect_p("(", f" after {name}")
        if self.is_kw("DISTINCT"):
            self.advance()
        if name == "COUNT" and self.is_p("*"):
            self.advance()
        else:
            self.expression()
        if name == "GROUP_CONCAT" and self.is_p(";"):
            self.advance()
            self.expect_kw("SEPARATOR", " after ';' in GROUP_CONCAT")
            self.expect_p("=", " after SEPARATOR")
            if self.tok.kind != "STRING":
                self.fail("a string after SEPARATOR =")
            self.advance()
        self.expect_p(")", "", opened)

    def expression_list(self, after: str) -> None:
        opened = self.expect_p("(", f" after {after}")
        if not self.is_p(")"):
            while True:
                self.expression()
                if not self.is_p(","):
                    break
                self.advance()
        self.expect_p(")", " or ','", opened)

    def constraint(self, what: str) -> None:
        if self.is_p("("):
            self.primary()
        elif self.is_iri():
            tok = self.tok
            self.iri()
            self.arg_list(_short(tok.text, 30), 0, None, distinct=True)
        elif self.tok.kind == "WORD" and (self.tok.text.upper() in _BUILTINS or self.tok.text.upper() in (
                *_AGGREGATES, "BOUND", "EXISTS", "NOT")):
            self.builtin()
        else:
            self.fail(what)

    # ---- graph patterns

    def group(self, scope: set[str]) -> set[str]:
        """``{ ... }``; returns the variables it binds."""
        if not self.is_p("{"):
            self.fail("'{' to start a group pattern")
        opened = self.advance()
        inner: set[str] = set()
        if self.is_kw("SELECT"):
            inner |= self.select_query(sub=True)
            self.expect_p("}", " after the sub-query", opened)
            return inner
        while True:
            tok = self.tok
            if self.is_p("}"):
                self.advance()
                return inner
            if self.is_term_start():
                self.triples_same_subject(True, inner)
                if self.is_p("."):
                    self.advance()
                    continue
                if self.is_p("}", "{") or self.is_kw(*_PATTERN_KEYWORDS):
                    continue
                hint = "a '.' ends each triple pattern" if self.starts_triple() else _did_you_mean(
                    self.tok, (*_PATTERN_KEYWORDS, "UNION"))
                self.fail("'.', ';', ',' or '}' after the triple pattern", hint=hint)
            elif self.is_p("{"):
                inner |= self.group(set())
                while self.is_kw("UNION"):
                    self.advance()
                    inner |= self.group(set())
            elif self.is_kw("OPTIONAL", "LATERAL"):
                self.advance()
                inner |= self.group(set())
            elif self.is_kw("MINUS"):
                self.advance()
                self.group(set())
            elif self.is_kw("GRAPH"):
                self.advance()
                self.var_or_iri("a graph name (an IRI or a variable) after GRAPH", inner)
                inner |= self.group(set())
            elif self.is_kw("SERVICE"):
                self.advance()
                if self.is_kw("SILENT"):
                    self.advance()
                self.var_or_iri("an endpoint IRI after SERVICE", inner)
                inner |= self.group(set())
            elif self.is_kw("FILTER"):
                self.advance()
                self.constraint("'(' after FILTER: FILTER(condition)")
            elif self.is_kw("BIND"):
                self.advance()
                opened = self.expect_p("(", " after BIND: BIND(expression AS ?name)")
                self.expression()
                if not self.is_kw("AS"):
                    self.fail("AS ?name after the expression in BIND(expression AS ?name)")
                self.advance()
                var = self.tok
                if var.kind != "VAR":
                    self.fail("a variable after AS")
                if var.text[1:] in inner:
                    raise _Fail(var.start, f"BIND(... AS {var.text}): {var.text} is already bound by the patterns "
                                           "before it in this group; choose a new name")
                self.advance()
                inner.add(var.text[1:])
                self.expect_p(")", "", opened)
            elif self.is_kw("VALUES"):
                self.advance()
                inner |= self.data_block()
            elif self.is_kw("UNION"):
                self.fail(_PATTERN + " or '}'", hint="UNION goes between two { ... } groups")
            else:
                self.fail(f"{_PATTERN} or '}}' (to close the '{{' at {self.where(opened.start)})", tok,
                          _did_you_mean(tok, (*_PATTERN_KEYWORDS, "UNION")))
            if self.is_p("."):
                self.advance()

    def var_or_iri(self, what: str, vars_: set[str] | None = None) -> None:
        if self.tok.kind == "VAR":
            if vars_ is not None:
                vars_.add(self.tok.text[1:])
            self.advance()
        else:
            self.iri(what)

    def data_block(self) -> set[str]:
        names: set[str] = set()
        if self.tok.kind == "VAR":
            names.add(self.advance().text[1:])
            opened = self.expect_p("{", " after the variable of VALUES")
            while not self.is_p("}"):
                self.data_value(opened)
            self.advance()
            return names
        if not self.is_p("("):
            self.fail("a variable or '(' after VALUES")
        opened = self.advance()
        while self.tok.kind == "VAR":
            names.add(self.advance().text[1:])
        self.expect_p(")", " or a variable", opened)
        block = self.expect_p("{", " after the variables of VALUES")
        while not self.is_p("}"):
            if not self.is_p("("):
                self.expect_p("}", " or '(' starting a row of values", block)
            row = self.advance()
            while not self.is_p(")"):
                self.data_value(row)
            self.advance()
        self.advance()
        return names

    def data_value(self, opened: _Tok) -> None:
        tok = self.tok
        if self.is_kw("UNDEF"):
            self.advance()
        elif self.is_iri():
            self.iri()
        elif tok.kind == "STRING":
            self.advance()
            self.literal_tail()
        elif tok.kind == "NUMBER" or self.is_kw("TRUE", "FALSE"):
            self.advance()
        elif self.is_p("+", "-") and self.peek().kind == "NUMBER":
            self.advance()
            self.advance()
        elif self.is_p("<<("):
            self.triple_term(None)
        else:
            close = ")" if opened.text == "(" else "}"
            self.fail(f"a value (an IRI, a literal or UNDEF) or '{close}' to close the '{opened.text}' "
                      f"at {self.where(opened.start)}")

    # ---- queries

    def query(self) -> None:
        while True:
            if self.is_kw("BASE"):
                self.advance()
                if self.tok.kind != "IRI":
                    self.fail("an IRI such as <https://example.org/> after BASE")
                self.iri()
                self.base = True
            elif self.is_kw("PREFIX"):
                self.advance()
                tok = self.tok
                if tok.kind != "PNAME" or not tok.text.endswith(":") or tok.text.count(":") != 1:
                    self.fail("a prefix name ending in ':' (such as ex:) after PREFIX")
                self.advance()
                if self.tok.kind != "IRI":
                    self.fail(f"the namespace IRI (such as <https://example.org/>) after PREFIX {tok.text}")
                self.iri()
                self.prefixes.add(tok.text[:-1])
            elif self.is_kw("VERSION"):
                self.advance()
                if self.tok.kind != "STRING":
                    self.fail("a version string after VERSION")
                self.advance()
            else:
                break
        if self.is_kw("SELECT"):
            self.select_query(sub=False)
        elif self.is_kw("CONSTRUCT"):
            self.construct_query()
        elif self.is_kw("DESCRIBE"):
            self.describe_query()
        elif self.is_kw("ASK"):
            self.advance()
            self.datasets()
            self.where_clause()
            self.modifiers()
        else:
            hint = ""
            if self.is_kw("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"):
                hint = "updates are not allowed: the graph is read-only"
            self.fail(QUERY_FORMS, hint=hint or _did_you_mean(self.tok, ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE",
                                                                          "PREFIX", "BASE")))
        if self.is_kw("VALUES"):
            self.advance()
            self.data_block()
        if self.tok.kind != "EOF":
            tok = self.tok
            hint = ""
            if self.is_kw(*_MODIFIERS):
                hint = "clauses go in the order GROUP BY, HAVING, ORDER BY, LIMIT/OFFSET, VALUES, each at most once"
            elif self.is_p("}"):
                hint = "one '}' too many?"
            else:
                hint = _did_you_mean(tok, _MODIFIERS)
            self.fail("the end of the query", tok, hint)

    def select_query(self, sub: bool) -> set[str]:
        self.advance()
        if self.is_kw("DISTINCT", "REDUCED"):
            self.advance()
        star = None
        plain: list[_Tok] = []
        names: set[str] = set()
        self.aggregates = 0
        if self.is_p("*"):
            star = self.advance()
        else:
            while True:
                tok = self.tok
                if tok.kind == "VAR":
                    if tok.text[1:] in names:
                        raise _Fail(tok.start, f"{tok.text} is selected twice")
                    names.add(tok.text[1:])
                    plain.append(tok)
                    self.advance()
                elif self.is_p("("):
                    opened = self.advance()
                    self.expression()
                    if not self.is_kw("AS"):
                        self.fail("AS ?name after the expression in (expression AS ?name)")
                    self.advance()
                    var = self.tok
                    if var.kind != "VAR":
                        self.fail("a variable after AS")
                    if var.text[1:] in names:
                        raise _Fail(var.start, f"{var.text} is selected twice")
                    names.add(var.text[1:])
                    self.advance()
                    self.expect_p(")", "", opened)
                elif not plain and not names:
                    self.fail("a variable, (expression AS ?name) or * after SELECT")
                else:
                    break
        aggregated = self.aggregates > 0
        if not sub:
            self.datasets()
        bound = self.where_clause()
        grouped = self.modifiers()
        if star is not None and grouped is not None:
            raise _Fail(star.start, "SELECT * cannot be used with GROUP BY; list the grouped variables "
                                    "and aggregates instead")
        if grouped is not None or aggregated:
            for tok in plain:
                if tok.text[1:] not in (grouped or set()):
                    raise _Fail(tok.start, f"{tok.text} is selected but neither grouped (GROUP BY {tok.text}) "
                                           f"nor aggregated (such as (SAMPLE({tok.text}) AS ?any))")
        if sub and self.is_kw("VALUES"):
            self.advance()
            self.data_block()
        return names if star is None else bound

    def construct_query(self) -> None:
        self.advance()
        if self.is_p("{"):
            opened = self.advance()
            self.triples_template("}")
            self.expect_p("}", "", opened)
            self.datasets()
            self.where_clause()
        else:
            self.datasets()
            if not self.is_kw("WHERE"):
                self.fail("'{' starting the template or WHERE after CONSTRUCT")
            self.advance()
            opened = self.expect_p("{", " after CONSTRUCT WHERE")
            self.triples_template("}")
            self.expect_p("}", "", opened)
        self.modifiers()

    def triples_template(self, close: str) -> None:
        while self.is_term_start():
            self.triples_same_subject(False, None)
            if not self.is_p("."):
                break
            self.advance()
        if not self.is_p(close):
            hint = "a '.' ends each triple pattern" if self.starts_triple() else ""
            self.fail(f"a triple, '.' or '{close}'", hint=hint)

    def describe_query(self) -> None:
        self.advance()
        if self.is_p("*"):
            self.advance()
        else:
            if not (self.tok.kind == "VAR" or self.is_iri()):
                self.fail("a variable, an IRI or * after DESCRIBE")
            while self.tok.kind == "VAR" or self.is_iri():
                self.var_or_iri("an IRI")
        self.datasets()
        if self.is_kw("WHERE") or self.is_p("{"):
            self.where_clause()
        self.modifiers()

    def datasets(self) -> None:
        while self.is_kw("FROM"):
            self.advance()
            if self.is_kw("NAMED"):
                self.advance()
            self.iri("a graph IRI after FROM")

    def where_clause(self) -> set[str]:
        if self.is_kw("WHERE"):
            self.advance()
        elif not self.is_p("{"):
            self.fail("WHERE { ... }")
        return self.group(set())

    def modifiers(self) -> set[str] | None:
        """Solution modifiers; the grouped variables (None without GROUP BY)."""
        grouped: set[str] | None = None
        if self.is_kw("GROUP"):
            self.advance()
            self.expect_kw("BY", " after GROUP")
            grouped = set()
            first = True
            while True:
                tok = self.tok
                if tok.kind == "VAR":
                    grouped.add(tok.text[1:])
                    self.advance()
                elif self.is_p("("):
                    opened = self.advance()
                    self.expression()
                    if self.is_kw("AS"):
                        self.advance()
                        if self.tok.kind != "VAR":
                            self.fail("a variable after AS")
                        grouped.add(self.advance().text[1:])
                    self.expect_p(")", "", opened)
                elif self.is_iri() or (tok.kind == "WORD" and tok.text.upper() in _BUILTINS):
                    self.constraint("a variable or an expression")
                elif first:
                    self.fail("a variable or (expression) after GROUP BY")
                else:
                    break
                first = False
        if self.is_kw("HAVING"):
            self.advance()
            self.constraint("a condition in parentheses after HAVING: HAVING(...)")
            while self.is_p("(") or self.is_iri() or (self.tok.kind == "WORD" and self.tok.text.upper() in (
                    *_BUILTINS, *_AGGREGATES, "BOUND", "EXISTS", "NOT")):
                self.constraint("a condition")
        if self.is_kw("ORDER"):
            self.advance()
            self.expect_kw("BY", " after ORDER")
            first = True
            while True:
                tok = self.tok
                if self.is_kw("ASC", "DESC"):
                    self.advance()
                    if not self.is_p("("):
                        self.fail(f"'(' after {tok.text.upper()}: write {tok.text.upper()}(?var)")
                    self.primary()
                elif tok.kind == "VAR":
                    self.advance()
                elif self.is_p("(") or self.is_iri() or (tok.kind == "WORD" and tok.text.upper() in (
                        *_BUILTINS, *_AGGREGATES, "BOUND", "EXISTS", "NOT")):
                    self.constraint("a variable or an expression")
                elif first:
                    self.fail("a variable, ASC(...), DESC(...) or (expression) after ORDER BY")
                else:
                    break
                first = False
        seen = set()
        while self.is_kw("LIMIT", "OFFSET") and self.tok.text.upper() not in seen:
            word = self.advance().text.upper()
            seen.add(word)
            tok = self.tok
            if tok.kind != "NUMBER" or not tok.text.isdigit():
                hint = "a whole number of 0 or more" if self.is_p("-") or tok.kind == "NUMBER" else ""
                self.fail(f"an integer after {word}", hint=hint)
            self.advance()
        return grouped


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def diagnose(text: str, prefixes: Mapping[str, str] | None = None) -> Diagnosis | None:
    """The first place where `text` stops being a SPARQL query, or None when this checker
    finds no error (the query may still be invalid for a reason it does not check).

    `prefixes` are the prefixes predeclared for the query (their names count as declared).
    """
    checker = _Checker(text, prefixes or {})
    try:
        checker.query()
    except _Fail as exc:
        line, col = _position(text, exc.start)
        return Diagnosis(line, col, exc.start, exc.message)
    except RecursionError:
        return None
    return None
