"""BBCode in chat: one parse, three renderings, and no input that can crash them or inject markup."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from bt_core.bbcode import normalize_color, to_html, to_plain, to_rich


def test_plain_for_the_device_notification() -> None:
    text = (
        "[b]Hi[/b] Ann! Try [url=https://support.example.com/wifi]the Wi-Fi guide[/url]:"
        "[list][*]Open Settings[*]Tap [i]Network[/i][/list]Thanks"
    )
    assert to_plain(text) == (
        "Hi Ann! Try the Wi-Fi guide (https://support.example.com/wifi):\n• Open Settings\n• Tap Network\nThanks"
    )


def test_plain_numbered_list_quote_and_code() -> None:
    assert to_plain("[list=1]\n[*]one\n[*]two\n[/list]") == "1. one\n2. two"
    assert to_plain("[quote=Bob]It froze[/quote]") == "Bob wrote:\n> It froze"
    assert to_plain("[code][b]x[/b] <tag>[/code]") == "[b]x[/b] <tag>"
    assert to_plain("[url]https://a.example[/url]") == "https://a.example"


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("[b]unclosed", "[b]unclosed"),
        ("[/i] stray close", "[/i] stray close"),
        ("[blink]x[/blink]", "[blink]x[/blink]"),
        ("[color=expression(alert(1))]x[/color]", "[color=expression(alert(1))]x[/color]"),
        ("[b=1]x[/b]", "[b=1]x[/b]"),
        ("[*] not in a list", "[*] not in a list"),
        ("[code]no end [b]x[/b]", "[code]no end x"),
        ("getprop: [ro.build.version.release]: [14]", "getprop: [ro.build.version.release]: [14]"),
        ("[B]Caps[/B] [I]work[/i]", "Caps work"),
        ("[url][/url]", "[url][/url]"),
    ],
)
def test_malformed_or_unknown_tags_stay_literal(text: str, plain: str) -> None:
    assert to_plain(text) == plain
    assert to_rich(text).plain == plain


def test_misnested_inner_tag_is_shown_as_typed() -> None:
    assert to_html("[b][i]x[/b][/i]") == "<strong>[i]x</strong>[/i]"


def test_rich_styles_are_spans_not_markup() -> None:
    text = to_rich("[b]bold[/b] [color=#0f0]green[/color] [bold red]not markup[/bold red] [s]gone[/s]")
    assert text.plain == "bold green [bold red]not markup[/bold red] gone"
    styles = {text.plain[span.start : span.end]: str(span.style) for span in text.spans}
    assert styles["bold"] == "bold"
    assert styles["green"] == "#00ff00"
    assert styles["gone"] == "strike"
    assert "not markup" not in "".join(styles)
    console = Console(width=100, record=True, color_system=None)
    console.print(text)
    assert "[bold red]not markup[/bold red]" in console.export_text()


def test_rich_link_only_for_http() -> None:
    safe = to_rich("[url=https://example.com]site[/url]")
    links = [span.style.link for span in safe.spans if hasattr(span.style, "link") and span.style.link]
    assert links == ["https://example.com"]
    unsafe = to_rich("[url=javascript:alert(1)]site[/url]")
    assert not [s for s in unsafe.spans if getattr(s.style, "link", None)]
    assert unsafe.plain == "site (javascript:alert(1))"


def test_html_rendering() -> None:
    assert to_html("[b]a[/b][i]b[/i][u]c[/u][s]d[/s]") == "<strong>a</strong><em>b</em><u>c</u><s>d</s>"
    assert to_html("[color=red]r[/color]") == '<span style="color:#d32f2f">r</span>'
    assert to_html("[url=https://x.example/?a=1&b=2]x[/url]") == (
        '<a href="https://x.example/?a=1&amp;b=2" rel="noopener noreferrer" target="_blank">x</a>'
    )
    assert to_html("[url=javascript:alert(1)]x[/url]") == "x (javascript:alert(1))"
    assert to_html('[url="onmouseover=alert(1)"]x[/url]') == "x (onmouseover=alert(1))"
    assert to_html("[code]<b>[/code]") == "<pre><code>&lt;b&gt;</code></pre>"
    assert to_html("[list=1][*]a[*]b[/list]") == "<ol><li>a</li><li>b</li></ol>"
    assert to_html("[quote=<Eve>]hi[/quote]") == "<blockquote><cite>&lt;Eve&gt; wrote:</cite>hi</blockquote>"
    assert to_html("line1\nline2 & <script>") == "line1<br>line2 &amp; &lt;script&gt;"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("red", "#d32f2f"),
        ("RED", "#d32f2f"),
        ("#ABC", "#aabbcc"),
        ("#a1b2c3", "#a1b2c3"),
        ("#abcd", None),
        ("red;background:url(x)", None),
        ("rgb(1,2,3)", None),
        ("", None),
    ],
)
def test_colour_validation(value: str, expected: str | None) -> None:
    assert normalize_color(value) == expected


ALLOWED_TAGS = {"strong", "em", "u", "s", "span", "a", "blockquote", "cite", "pre", "code", "ul", "ol", "li", "br"}


class _TagAudit(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"tag {tag}")
        for name, value in attrs:
            if name == "style":
                if not re.fullmatch(r"color:#[0-9a-f]{6}", value or ""):
                    self.problems.append(f"style {value}")
            elif name == "href":
                if not re.match(r"https?://", value or "", re.IGNORECASE):
                    self.problems.append(f"href {value}")
            elif (name, value) not in {("rel", "noopener noreferrer"), ("target", "_blank")}:
                self.problems.append(f"attr {name}={value}")


bbcode_ish = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "[b]",
                "[/b]",
                "[i]",
                "[/I]",
                "[u]",
                "[/u]",
                "[s]",
                "[/s]",
                "[color=red]",
                "[color=#fff]",
                '[color=x" onclick="a]',
                "[/color]",
                "[url]",
                "[url=https://e.example/?q=<x>]",
                "[url=javascript:x]",
                "[/url]",
                "[quote]",
                "[quote=<a>]",
                "[/quote]",
                "[code]",
                "[/code]",
                "[list]",
                "[list=1]",
                "[*]",
                "[/list]",
                "<script>",
                "</script>",
                "<img src=x onerror=alert(1)>",
                "&amp;",
                '"',
                "'",
                "[",
                "]",
                "=",
                "\n",
                "https://x.example",
                "javascript:alert(1)",
            ]
        ),
        st.text(max_size=8),
    ),
    max_size=30,
).map("".join)


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(), bbcode_ish))
def test_any_string_renders_safely(text: str) -> None:
    plain = to_plain(text)
    rich_text = to_rich(text)
    out = to_html(text)
    assert isinstance(plain, str) and rich_text.plain is not None
    assert "<script" not in out.lower()
    audit = _TagAudit()
    audit.feed(out)
    audit.close()
    assert audit.problems == []
    # Every "<" in the output opens one of our own tags: none comes from the input unescaped.
    own_tags = r"</?(?:" + "|".join(ALLOWED_TAGS) + r")(?:\s[^<>]*)?>"
    assert re.sub(own_tags, "", out).count("<") == 0


@given(st.text().filter(lambda t: "[" not in t))
def test_text_without_brackets_is_unchanged(text: str) -> None:
    assert to_plain(text) == text
