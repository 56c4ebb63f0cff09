"""One exception tree for the whole project.

    SyndicatorError                 anything this project raises on purpose
    ├── ConfigError                 bad YAML, unknown key, bad value (carries file:line and key)
    ├── FetchError                  a URL could not be fetched (carries the URL)
    │   ├── RobotsDenied            robots.txt forbids the URL
    │   ├── TooLarge                the body passed fetch.max_bytes
    │   ├── AddressRefused          the host resolves to an address the config does not allow
    │   └── HTTPStatusError         a non-2xx/304 answer (carries status and Retry-After)
    ├── ExtractError                the page is not an article / list we can read
    │   ├── NotAnArticle
    │   └── NotAList
    ├── StoreError                  the database refused or is at the wrong schema
    └── FilterError                 a feed URL's filter parameter is unusable (carries its name)

User mistakes (ConfigError, a bad path or URL given to the CLI) are printed by the CLI as
one line, without a traceback; everything else is a bug and keeps its traceback.
"""

from __future__ import annotations


class SyndicatorError(Exception):
    """Base of every error raised on purpose."""


class ConfigError(SyndicatorError):
    """The configuration is unusable; the message names file, line and key."""

    def __init__(
        self, message: str, *, file: str = "", line: int | None = None, key: str = ""
    ) -> None:
        self.file = file
        self.line = line
        self.key = key
        self.reason = message
        where = file
        if line is not None:
            where = f"{where}:{line}" if where else f"line {line}"
        prefix = f"{where}: " if where else ""
        suffix = f" (key: {key})" if key else ""
        # The other problems found in the same file, so a user fixes them in one go.
        self.others: tuple[ConfigError, ...] = ()
        super().__init__(f"{prefix}{message}{suffix}")

    def lines(self) -> list[str]:
        """This problem and every other one found with it, one line each."""
        return [str(self), *(str(other) for other in self.others)]


class FetchError(SyndicatorError):
    """A URL could not be fetched."""

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = reason
        super().__init__(f"{url}: {reason}")


class RobotsDenied(FetchError):
    """robots.txt of the host forbids fetching the URL with our user agent."""

    def __init__(self, url: str) -> None:
        super().__init__(url, "disallowed by robots.txt")


class TooLarge(FetchError):
    """The response body is larger than fetch.max_bytes."""

    def __init__(self, url: str, limit: int) -> None:
        self.limit = limit
        super().__init__(url, f"response larger than {limit} bytes")


class AddressRefused(FetchError):
    """The URL's host resolves to a private, loopback or otherwise non-global address and
    the config does not allow that site to be on a private network."""


class HTTPStatusError(FetchError):
    """The server answered with a status we do not treat as success."""

    def __init__(self, url: str, status: int, retry_after: float | None = None) -> None:
        self.status = status
        self.retry_after = retry_after
        super().__init__(url, f"HTTP {status}")


class ExtractError(SyndicatorError):
    """The page could not be read as what was asked for."""

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = reason
        super().__init__(f"{url}: {reason}" if url else reason)


class NotAnArticle(ExtractError):
    """No article title or body could be found."""


class NotAList(ExtractError):
    """No list of article links could be found."""


class StoreError(SyndicatorError):
    """The database refused an operation or is at an unexpected schema."""


class FilterError(SyndicatorError):
    """A query parameter of a feed URL (``filter``, ``limit``…) cannot be used; the web
    answers 400 with this one line."""

    def __init__(self, param: str, reason: str) -> None:
        self.param = param
        # The reason may quote the client's text: keep the answer on one line.
        self.reason = " ".join("".join(c if c.isprintable() else " " for c in reason).split())
        super().__init__(f"{param}: {self.reason}")


def first_line(exc: BaseException) -> str:
    """An error as one line: a database driver's own message (SQLAlchemy keeps it as
    ``orig``) rather than the statement wrapped around it."""
    lines = str(getattr(exc, "orig", None) or exc).splitlines()
    return lines[0] if lines else type(exc).__name__
