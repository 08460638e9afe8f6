"""Where a search's runs go: the W&B server (online), files on disk (offline), or nowhere (disabled).

Rules, decided once per search (and once per `Logger`), without importing wandb or touching
the network:
- ``mode=`` wins, else ``WANDB_MODE``; ``online`` (W&B's alias ``run``), ``offline`` (``dryrun``)
  or ``disabled``;
- neither set: online when W&B credentials are present (``WANDB_API_KEY``,
  ``WANDB_IDENTITY_TOKEN_FILE``, or a netrc entry for the W&B host), else offline, said once in
  the log;
- online without credentials raises `WandbLoginRequired` at once, saying how to log in or go
  offline: W&B would otherwise prompt for a key or wait on the network.
"""

from __future__ import annotations

import netrc
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from hp_wandb.errors import WandbLoginRequired
from hpcore import InvalidArgument

DEFAULT_HOST = "https://api.wandb.ai"
ALIASES = {"online": "online", "run": "online", "offline": "offline", "dryrun": "offline", "disabled": "disabled"}


@dataclass(frozen=True)
class Mode:
    kind: str  # "online", "offline" or "disabled"
    reason: str  # why, for the log line
    implicit: bool = False  # offline because nothing was set and no credentials were found


def decide(option: object = None) -> Mode:
    """The mode of one search from the option, the environment and the credentials present."""
    if option is not None:
        if not isinstance(option, str) or option.lower() not in ALIASES:
            raise InvalidArgument(f"mode must be 'online', 'offline' or 'disabled' (or None to decide), got {option!r}.")
        kind, reason = ALIASES[option.lower()], f"mode={option!r}"
    elif os.environ.get("WANDB_MODE"):
        value = os.environ["WANDB_MODE"]
        if value.lower() not in ALIASES:
            raise InvalidArgument(
                f"WANDB_MODE={value!r} is not a W&B mode: set it to online, offline or disabled, or unset it."
            )
        kind, reason = ALIASES[value.lower()], f"WANDB_MODE={value}"
    else:
        source = credentials()
        if source is None:
            return Mode("offline", "no W&B credentials found", implicit=True)
        return Mode("online", f"W&B credentials found in {source}")
    if kind == "online":
        require_credentials(reason)
    return Mode(kind, reason)


def require_credentials(reason: str) -> str:
    source = credentials()
    if source is None:
        raise WandbLoginRequired(
            f"W&B mode is online ({reason}) but no W&B credentials were found (WANDB_API_KEY, "
            f"WANDB_IDENTITY_TOKEN_FILE, or a netrc entry for {host()}): run `wandb login` or set WANDB_API_KEY "
            "to sweep on the W&B server, or pass mode='offline' (WANDB_MODE=offline) to run the sweep here "
            "and log offline runs (`wandb sync` uploads them later)."
        )
    return source


def credentials() -> str | None:
    """Where W&B credentials were found, or None; reads the environment and the netrc file only."""
    if os.environ.get("WANDB_API_KEY"):
        return "WANDB_API_KEY"
    if os.environ.get("WANDB_IDENTITY_TOKEN_FILE"):
        return "WANDB_IDENTITY_TOKEN_FILE"
    path = netrc_path()
    if path is None:
        return None
    try:
        entries = netrc.netrc(str(path))
    except (OSError, netrc.NetrcParseError):
        return None
    netloc = urlsplit(host()).netloc
    found = entries.authenticators(netloc) if netloc else None
    if found and found[2]:
        return str(path)
    return None


def host() -> str:
    return os.environ.get("WANDB_BASE_URL") or DEFAULT_HOST


def netrc_path() -> Path | None:
    if os.environ.get("NETRC"):
        return Path(os.environ["NETRC"]).expanduser()
    for name in ("~/.netrc", "~/_netrc"):
        path = Path(name).expanduser()
        if path.exists():
            return path
    return None
