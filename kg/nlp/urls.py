"""Find code and project links in text and normalize them.

Handles the forms seen in abstracts: trailing punctuation, ``.git``, LaTeX leftovers
(``https://github.com/a/b.git{https://github.com/a/b}.``), links without a scheme,
``#fragment``, ``/tree/<branch>/<path>``, credentials (dropped), project pages on
``*.github.io`` and model pages on huggingface.co.

>>> [r.url for r in find_links("Code: github.com/user/repo. See https://x.github.io/p/).")]
['https://github.com/user/repo', 'https://x.github.io/p']
>>> normalize_link("https://github.com/google-research/google-research/tree/master/aqt.")
('https://github.com/google-research/google-research', 'code', 'github.com', 'tree/master/aqt')
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote, urlsplit

from kg.records import Repo

__all__ = ["CODE_HOSTS", "MAX_URL_LENGTH", "find_links", "normalize_link"]

MAX_URL_LENGTH = 2000
CODE_HOSTS = frozenset(
    {"github.com", "gitlab.com", "gitee.com", "bitbucket.org", "codeberg.org", "git.io"}
)
_BARE_HOSTS = (
    r"github\.com|gitlab\.com|gitee\.com|bitbucket\.org|codeberg\.org|huggingface\.co"
    r"|anonymous\.4open\.science|[a-z0-9][a-z0-9\-]*\.github\.io|sourceforge\.net"
    r"|zenodo\.org|colab\.research\.google\.com|sites\.google\.com|pypi\.org|kaggle\.com"
)
_CANDIDATE = re.compile(
    r"(?:(?:https?|ftp)://|www\.|(?<![\w@./\-])(?:" + _BARE_HOSTS + r")/)"
    r"[^\s<>\"'`\\^|]{0," + str(MAX_URL_LENGTH) + r"}",
    re.IGNORECASE,
)
_TRAILING = ".,;:!?'\"*»”’>"
_HOST_LABEL = re.compile(r"^(?!-)[a-z0-9\-]{1,63}(?<!-)$")
_GITHUB_NON_REPO = {"orgs", "features", "topics", "sponsors", "marketplace", "about", "settings"}
_SAFE_PATH = "/:@!$&'()*+,;=-._~%"


def _trim(raw: str) -> str:
    """Cut LaTeX leftovers and trailing punctuation, keeping balanced brackets."""
    for stop in ("{", "}", "\\"):
        if stop in raw:
            raw = raw.split(stop, 1)[0]
    while raw:
        last = raw[-1]
        unbalanced = (last == ")" and raw.count("(") < raw.count(")")) or (
            last == "]" and raw.count("[") < raw.count("]")
        )
        if last in _TRAILING or unbalanced:
            raw = raw[:-1]
        else:
            break
    return raw


def _valid_host(host: str) -> bool:
    labels = host.split(".")
    return len(labels) >= 2 and all(_HOST_LABEL.match(x) for x in labels) and labels[-1].isalpha()


def _kind_and_root(host: str, segments: list[str]) -> tuple[str, int]:
    """Kind of link and how many path segments make the resource's root."""
    if host in CODE_HOSTS:
        if host == "github.com" and segments and segments[0].lower() in _GITHUB_NON_REPO:
            return "other", len(segments)
        return ("code", 2) if len(segments) >= 2 else ("other", len(segments))
    if host == "anonymous.4open.science":
        return ("code", 2) if len(segments) >= 2 and segments[0] == "r" else ("other", 0)
    if host == "huggingface.co":
        if segments and segments[0] in ("datasets", "spaces"):
            kind = "dataset" if segments[0] == "datasets" else "demo"
            return (kind, 3) if len(segments) >= 3 else ("other", len(segments))
        return ("model", 2) if len(segments) >= 2 else ("other", len(segments))
    if host.endswith(".github.io") or host.endswith(".gitlab.io") or host == "sites.google.com":
        return "project-page", len(segments)
    return "other", len(segments)


def normalize_link(raw: str) -> tuple[str, str, str, str] | None:
    """``(url, kind, host, path)`` of a raw link, or None when it is not a usable web link.

    `url` is the resource's root (https, lower-case host, no credentials, no ``.git``, no
    trailing slash); `path` keeps what came after the root (``tree/main/src``, ``#readme``).
    """
    text = _trim(raw.strip())
    if not text or len(text) > MAX_URL_LENGTH:
        return None
    if not re.match(r"^[a-z][a-z0-9+.\-]*://", text, re.I):
        text = "https://" + text
    try:
        parts = urlsplit(text)
        host = (parts.hostname or "").lower().rstrip(".")
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https", "ftp") or not _valid_host(host):
        return None
    if host.startswith("www."):
        host = host[4:]
    segments = [s for s in unquote(parts.path).split("/") if s]
    kind, root_len = _kind_and_root(host, segments)
    root, rest = segments[:root_len], segments[root_len:]
    if kind == "code" and root and root[-1].lower().endswith(".git"):
        root[-1] = root[-1][:-4]
    if kind != "other" and root_len and not all(root):
        return None
    path = quote("/".join(root), safe=_SAFE_PATH)
    url = f"https://{host}" + (f"/{path}" if path else "")
    if kind == "other" and parts.query:
        url += "?" + quote(unquote(parts.query), safe=_SAFE_PATH + "?")
    extra = "/".join(rest)
    if parts.fragment:
        extra += "#" + parts.fragment
    return url, kind, host, extra


def find_links(text: str, field: str = "abstract") -> list[Repo]:
    """Every web link in `text` with its normalized form and character offsets."""
    found = []
    for match in _CANDIDATE.finditer(text):
        raw = _trim(match.group(0))
        normalized = normalize_link(raw)
        if normalized is None:
            continue
        url, kind, host, path = normalized
        start = match.start()
        found.append(
            Repo(url=url, kind=kind, raw=raw, field=field, start=start, end=start + len(raw),
                 host=host, path=path)
        )
    return found
