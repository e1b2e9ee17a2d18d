"""How every browser test starts chromium: Debian's build, never a downloaded one, with the
switches that keep it off the network and quiet in a container (see the README)."""

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
