"""Text from a search (names, values, errors, paths), made safe to show in a terminal, a plotly page or a matplotlib picture.

Rules: hpcore shows such text as text, never as markup. In the terminal it goes out as rich
`Text`, so rich markup (`[bold]`, `[/x]`) is not read; in a page plotly's tags (`<a href>`,
`<span style>`, `<br>`) show as written; in a picture matplotlib's mathtext (`$...$`) shows as
written. Everywhere, a control character (C0, DEL, C1), a bidirectional control, a line or
paragraph separator, or a lone surrogate is shown escaped as Python writes it in a string
(`\\x1b`, `\\n`, `\\u202e`, `\\ud800`): nothing reaches a terminal as a command, and each
piece of text is one line.
"""

from __future__ import annotations

import html
import re
from typing import Any

UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(value: Any) -> str:
    """`str(value)` with every control character escaped."""
    return UNSAFE.sub(_escape, str(value))


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    return NAMED.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def plotly_text(value: Any) -> str:
    """Text plotly shows as written: its tags and entities escaped (plotly reads `&lt;` back as `<`)."""
    return html.escape(printable(value), quote=False)


def matplotlib_text(value: Any) -> str:
    """Text matplotlib shows as written: every `$` escaped, so no mathtext is read."""
    return printable(value).replace("$", r"\$")
