"""Where an article's text is and who signed it, found without selectors.

The article is the element holding the most paragraph text directly (newspaper CMSs put the
story's ``<p>`` side by side in one container); the byline is what Vietnamese papers print at
the end of it: a short bold or right-aligned name, "Theo …", "Tác giả: …", or an element the
CMS marks as the author. Pure: a parsed page in, nodes and strings out.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

from news.markup import node_text
from news.text import clean

# A container needs this much direct paragraph text to count as the article.
MIN_ARTICLE_CHARS = 300
_BYLINE_MAX = 60  # characters: a name, a name and an agency, "Theo Báo Nhân Dân"
_BYLINE_WORDS = 10
_AUTHOR_NODES = (
    "[itemprop='author'] [itemprop='name']",
    "[itemprop='author']",
    "[rel='author']",
    ".author-name",
    ".article-author",
    ".author",
    ".tac-gia",
    ".byline",
)
_LABEL = re.compile(
    r"^\s*(?:tác giả|bài(?:\s+và\s+ảnh)?|tin(?:\s+và\s+ảnh)?|tin, ảnh)\s*:\s*", re.I
)
# "By Emily Burack", "Bởi Minh Anh": the word before a name, not part of it.
_BY = re.compile(r"^\s*(?:by|bởi)\s+", re.I)
_THEO = re.compile(r"^\s*\(?\s*theo\s+(.+?)\)?\s*$", re.I)
_RIGHT = re.compile(r"text-align\s*:\s*right", re.I)
_SENTENCE = re.compile(r"[.!?…:;]\s*$")
_BLOCKS = "p, div, td, li, h4, h5, h6"


def main_content(tree: LexborHTMLParser) -> LexborNode | None:
    """The element whose own ``<p>`` children hold the most text, when it holds enough."""
    best: LexborNode | None = None
    best_score = 0
    scores: dict[int, tuple[LexborNode, int]] = {}
    for paragraph in tree.css("p"):
        parent = paragraph.parent
        if parent is None:
            continue
        length = len(node_text(paragraph))
        node, score = scores.get(parent.mem_id, (parent, 0))
        scores[parent.mem_id] = (node, score + length)
    for node, score in scores.values():
        if score > best_score:
            best, best_score = node, score
    return best if best_score >= MIN_ARTICLE_CHARS else None


def byline(tree: LexborHTMLParser, content: LexborNode | None) -> str | None:
    """The author printed at the end of ``content``, else one the page marks as author."""
    if content is not None:
        found = _closing_byline(content)
        if found:
            return found
    for css in _AUTHOR_NODES:
        for node in tree.css(css):
            name = as_name(node_text(node))
            if name:
                return name
    return None


def _closing_byline(content: LexborNode) -> str | None:
    """The last short text blocks of the article, read from the end."""
    # Innermost blocks only (lexbor's css() on a node also matches the node itself).
    blocks = [
        node
        for node in content.css(_BLOCKS)
        if all(inner.mem_id == node.mem_id for inner in node.css(_BLOCKS))
    ]
    texts = [(node, node_text(node)) for node in blocks]
    tail = [(node, text) for node, text in texts if text and not _related_link(node, text)][-3:]
    for node, text in reversed(tail):
        if len(text) > _BYLINE_MAX:
            break  # reached the story's last paragraph
        labelled = _LABEL.match(text)
        if labelled:
            return as_name(text[labelled.end() :])
        theo = _THEO.match(text)
        if theo:
            return as_name(theo[1])
        if _is_signature(node, text):
            return as_name(text)
    return None


def _related_link(node: LexborNode, text: str) -> bool:
    """A list item that is only links: the "related stories" CMSs append after the byline."""
    if node.tag != "li":
        return False
    linked = "".join(node_text(link) for link in node.css("a"))
    return re.sub(r"\s", "", linked) == re.sub(r"\s", "", text)


def _is_signature(node: LexborNode, text: str) -> bool:
    """Right-aligned, or all in bold: how papers set the author's name under the story."""
    if _SENTENCE.search(text):
        return False
    for element in (node, node.parent):
        if element is None:
            continue
        style = element.attributes.get("style") or ""
        align = (element.attributes.get("align") or "").lower()
        if _RIGHT.search(style) or align == "right":
            return True
    bold = " ".join(node_text(b) for b in node.css("strong, b"))
    return bool(bold) and clean(bold) == text


def as_name(text: str) -> str | None:
    """A byline as a name: without its label or "By", None when too long to be one."""
    name = clean(_BY.sub("", _LABEL.sub("", text))).strip(" -–—()")
    if not name or len(name) > _BYLINE_MAX or len(name.split()) > _BYLINE_WORDS:
        return None
    return name
