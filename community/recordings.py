"""A recording URL that starts playing at a given minute, for the video hosts we know.

Each host spells "start at" its own way (checked against their public docs):
- YouTube (youtube.com/watch, youtu.be, /live/): the query parameter `t` in seconds;
- Vimeo: the fragment `#t=42m0s`;
- Loom: the query parameter `t` in seconds;
- anything else (a file on our storage, another player): the W3C media fragment `#t=2520`,
  which browsers' own video players follow.
"""

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

YOUTUBE_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com", "youtu.be"}
VIMEO_HOSTS = {"vimeo.com", "www.vimeo.com", "player.vimeo.com"}
LOOM_HOSTS = {"loom.com", "www.loom.com"}


def _with_query(parts, name: str, value: str) -> str:
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != name]
    query.append((name, value))
    return urlunsplit(parts._replace(query=urlencode(query)))


def recording_at(url: str, minute: int) -> str:
    """`url` opened at `minute` minutes from its start."""
    seconds = int(minute) * 60
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host in YOUTUBE_HOSTS or host in LOOM_HOSTS:
        return _with_query(parts, "t", str(seconds))
    if host in VIMEO_HOSTS:
        return urlunsplit(parts._replace(fragment=f"t={int(minute)}m0s"))
    return urlunsplit(parts._replace(fragment=f"t={seconds}"))
